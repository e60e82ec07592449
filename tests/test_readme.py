"""The README's tour is code users copy: every ```python block must run as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)  # the tour writes mlp.safetensors
    namespace: dict = {}
    for block in blocks:  # later blocks use names of earlier ones, like a session
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "mlp.safetensors").is_file()
    assert namespace["edges"].dtype == bool
    assert 0.9 < namespace["cross_val_score"](
        namespace["RandomForestClassifier"](n_estimators=10, random_state=0),
        namespace["data"].X, namespace["data"].y, cv=3).mean() <= 1.0
