"""The ``glassbox`` command: run the course's experiments and read their reports.

    glassbox lab list
    glassbox lab run kernels --quick
    glassbox lab run all --out lab-out
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="glassbox: machine learning you can see through.",
                  no_args_is_help=True, add_completion=False)
lab_app = typer.Typer(help="Run the experiments of the course and write HTML reports.",
                      no_args_is_help=True)
app.add_typer(lab_app, name="lab")


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
) -> None:
    """Run one lab (or all of them) and write its report."""
    from glassbox.lab import runner

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
                   show_progress=progress)
    if name == "all":
        path = runner.run_all(**options)
    else:
        path = runner.run_lab(name, **options)
    typer.echo(f"Report written to {path}")


def main() -> None:
    """Entry point of the ``glassbox`` console script."""
    app()


if __name__ == "__main__":
    main()
