"""The service data files load, and a broken edit names the file and the key."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.files import ContentError
from bot.content.services import load_services

FAQ = PROJECT_ROOT / "faq"


def test_shipped_data_covers_the_fact_sheet():
    services = load_services(FAQ)
    assert len(services.items) == 12 and services.booking.per_half_day == 8
    assert [g.name for g in services.grids] == [f"第{i}网格" for i in range(1, 6)]
    assert services.category("邻里纠纷").handler == "人民调解委员会"
    assert {(c.id, c.capacity, c.weeks) for c in services.classes} == {("taiji", 30, 12), ("yangge", 40, 12)}
    assert services.find_item("我想办居住证").name == "居住证"
    assert services.find_grid("文笔村四组后面").name == "第4网格"


@pytest.mark.parametrize("file, old, new, key", [
    ("services.yaml", "per_half_day: 8", "per_half_day: eight", "booking.per_half_day"),
    ("services.yaml", 'from: "09:00"', 'from: "9点"', "booking.am.from"),
    ("grids.yaml", "worker: 第3网格网格员", "worker: ''", "grids[2].worker"),
    ("classes.yaml", "term_start: 2026-12-01", "term_start: 下周", "classes[0].term_start"),
])
def test_bad_data_names_file_line_and_key(tmp_path: Path, file, old, new, key):
    folder = tmp_path / "faq"
    shutil.copytree(FAQ, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8").replace(old, new)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if new in row)
    with pytest.raises(ContentError, match="^" + re.escape(f"faq/{file}:{line}: {key}: ")):
        load_services(folder)
