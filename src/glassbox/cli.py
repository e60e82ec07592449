"""The ``glassbox`` command: run the course's experiments and read their reports.

    glassbox lab list
    glassbox lab run kernels --quick
    glassbox lab run all --out lab-out
    glassbox summary alexnet
    glassbox audit predictions.csv --y-true y --y-pred h --sensitive race
    glassbox playground
    glassbox torch-run train.py --epochs 3
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

# What a user's input or machine can cause (a bad path, missing data, torch not
# installed, an input too large, a diverging run): one message and exit code 2, never a
# traceback, unless --debug asks for it. Any other exception is a bug and shows its
# traceback.
USER_ERRORS = (ValueError, TypeError, OSError, ImportError, MemoryError, ArithmeticError)
_DEBUG = "glassbox.debug"


def error_message(error: BaseException) -> str:
    """The message printed for a user error (first line: ``Error: ...``).

    Examples
    --------
    >>> error_message(PermissionError(13, "Permission denied", "/root/out"))
    'Error: Permission denied: /root/out'
    >>> error_message(ValueError("seed must be >= 0, received -1"))
    'Error: seed must be >= 0, received -1'
    """
    if isinstance(error, OSError) and error.strerror and error.filename is not None \
            and str(error).startswith("[Errno"):
        text = f"{error.strerror}: {error.filename}"
    elif isinstance(error, MemoryError):
        text = f"not enough memory ({error or 'MemoryError'}); try a smaller size."
    else:
        text = str(error) or type(error).__name__
    return f"Error: {text}"


class _GlassboxGroup(TyperGroup):
    """The ``glassbox`` command group: user errors become a message and exit code 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            if ctx.meta.get(_DEBUG):
                raise
            typer.echo(error_message(error), err=True)
            typer.echo("(run `glassbox --debug ...` to see where it happened)", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(help="glassbox: machine learning you can see through.",
                  no_args_is_help=True, add_completion=False, cls=_GlassboxGroup)
lab_app = typer.Typer(help="Run the experiments of the course and write HTML reports.",
                      no_args_is_help=True)
app.add_typer(lab_app, name="lab")


@app.callback()
def options(ctx: typer.Context,
            debug: Annotated[bool, typer.Option(
                "--debug", help="Show the full traceback of an error.")] = False) -> None:
    """glassbox: machine learning you can see through."""
    ctx.meta[_DEBUG] = debug


@lab_app.command("list")
def lab_list() -> None:
    """List the labs: name, title and the course section each follows."""
    from glassbox.lab import runner

    for name, module in runner.available_labs().items():
        typer.echo(f"{name:<12} {module.TITLE}  [{module.SECTION}]")


@lab_app.command("run")
def lab_run(
    name: Annotated[str, typer.Argument(help="Lab name (see `glassbox lab list`) or 'all'.")],
    quick: Annotated[bool, typer.Option("--quick", help="Small version that runs in seconds.")]
    = False,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (reports are reproducible).")]
    = 0,
    out: Annotated[Path, typer.Option(help="Reports go to OUT/NAME/report.html.")]
    = Path("lab-out"),
    data_dir: Annotated[Path | None, typer.Option(
        help="Folder with datasets (e.g. mnist/), searched before $GLASSBOX_DATA.")] = None,
    engine: Annotated[str, typer.Option(help="Engine for neural networks: glassbox or torch.")]
    = "glassbox",
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    footprint: Annotated[str, typer.Option(
        help="Energy measurement: auto (RAPL counters if readable, else CPU time), rapl, "
             "cpu-time, or codecarbon (pip install glassbox-ml[footprint]).")] = "auto",
    country: Annotated[str | None, typer.Option(
        help="ISO alpha-3 code of the grid whose carbon intensity gives the CO2 "
             "(default: world average).")] = None,
) -> None:
    """Run one lab (or all of them) and write its report."""
    from glassbox.lab import _footprint, runner

    try:
        _footprint.EnergyMeter(footprint, country)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--footprint/--country") from None

    if engine not in runner.ENGINES:
        raise typer.BadParameter(f"expected one of {', '.join(runner.ENGINES)}, "
                                 f"received {engine!r}",
                                 param_hint="--engine")
    if data_dir is not None and not data_dir.is_dir():
        raise typer.BadParameter(f"{data_dir} is not a folder", param_hint="--data-dir")
    if name != "all":
        try:
            runner.get_lab(name)
        except ValueError:
            labs = runner.available_labs()
            raise typer.BadParameter(f"unknown lab {name!r}; expected one of: "
                                     f"{', '.join(labs)}, or 'all'", param_hint="NAME") from None
    options = dict(quick=quick, seed=seed, out_dir=out, data_dir=data_dir, engine=engine,
                   show_progress=progress, footprint=footprint, country=country)
    if name == "all":
        path = runner.run_all(**options)
    else:
        path = runner.run_lab(name, **options)
    typer.echo(f"Report written to {path}")


@app.command("summary")
def summary_command(
    model: Annotated[str, typer.Argument(help="A zoo model: lenet5, alexnet, vgg16, vgg16_bn, "
                                              "resnet18, resnet50, googlenet, mobilenet_v1, "
                                              "densenet121.")],
    input_size: Annotated[tuple[int, int, int] | None, typer.Option(
        help="Channels, height, width of one input (default: the model's own).")] = None,
    num_classes: Annotated[int | None, typer.Option(min=1, help="Output classes.")] = None,
    engine: Annotated[str, typer.Option(help="glassbox or torch.")] = "glassbox",
) -> None:
    """Print a zoo model's layer table: output shapes, parameters, multiply-adds."""
    from glassbox import models

    builders = {name: getattr(models, name) for name in (
        "lenet5", "alexnet", "vgg16", "vgg16_bn", "resnet18", "resnet50", "googlenet",
        "mobilenet_v1", "densenet121")}
    if model not in builders:
        raise typer.BadParameter(f"unknown model {model!r}; expected one of: "
                                 f"{', '.join(builders)}", param_hint="MODEL")
    if engine not in ("glassbox", "torch"):
        raise typer.BadParameter(f"expected glassbox or torch, received {engine!r}",
                                 param_hint="--engine")
    from glassbox.train import get_engine

    nn = get_engine(engine).nn  # says how to install torch if it is missing
    defaults = {"lenet5": (1, 32, 32), "alexnet": (3, 227, 227)}
    size = input_size or defaults.get(model, (3, 224, 224))
    options = {"in_channels": size[0]}
    if num_classes is not None:
        options["num_classes"] = num_classes
    typer.echo(str(models.summary(builders[model](nn=nn, **options), size)))


@app.command("audit")
def audit_command(
    predictions: Annotated[Path, typer.Argument(help="CSV file: one row per decision.")],
    y_true: Annotated[str, typer.Option("--y-true", help="Column of the true outcome.")],
    y_pred: Annotated[str, typer.Option("--y-pred", help="Column of the decision.")],
    sensitive: Annotated[list[str], typer.Option(
        "--sensitive", help="Column of a protected attribute (repeat for several).")],
    score: Annotated[str | None, typer.Option(
        "--score", help="Column of the model's score: ROC and calibration by group.")] = None,
    pos_label: Annotated[str | None, typer.Option(
        "--pos-label", help="The positive outcome (default: 1, true or yes).")] = None,
    out: Annotated[Path, typer.Option(help="Writes OUT/report.html and OUT/metrics.json.")]
    = Path("audit-out"),
) -> None:
    """Audit anyone's predictions for fairness: rates and parity gaps by group."""
    import json

    from glassbox.fairness.audit import AuditError, run_audit

    try:
        path = run_audit(predictions, y_true, y_pred, sensitive, score=score,
                         pos_label=pos_label, out_dir=out)
    except AuditError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    metrics = json.loads((path.parent / "metrics.json").read_text())
    for note in metrics["warnings"]:
        typer.echo(f"Warning: {note}", err=True)
    typer.echo(f"Audit report written to {path}")


@app.command("playground")
def playground_command(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but 127.0.0.1 "
                                           "exposes the page to your network.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    browser: Annotated[bool, typer.Option("--browser/--no-browser",
                                          help="Open the page in the web browser.")] = True,
) -> None:
    """Start the playground: a network trains in your browser's page (Ctrl-C stops it)."""
    from glassbox.playground import server

    try:
        server.check_port_free(host, port)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--port") from None
    server.serve(host=host, port=port, open_browser=browser)


@app.command("torch-run", context_settings={"allow_extra_args": True,
                                           "ignore_unknown_options": True})
def torch_run_command(
    ctx: typer.Context,
    script: Annotated[Path, typer.Argument(help="A PyTorch script, run unmodified; the "
                                                "arguments after it are passed to it.")],
) -> None:
    """Run a PyTorch script with `torch` resolved to glassbox (its submodules too)."""
    from glassbox.torch_run import run_script

    code = run_script(str(script), list(ctx.args))
    if code:
        raise typer.Exit(code)


def main() -> None:
    """Entry point of the ``glassbox`` console script."""
    app()


if __name__ == "__main__":
    main()
