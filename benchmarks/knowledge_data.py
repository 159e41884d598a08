"""The data files the matcher benchmarks read, as command-line arguments both scripts share."""
import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--faq", type=Path, default=ROOT / "faq")
    parser.add_argument("--dev", type=Path, default=ROOT / "tests" / "data" / "faq_dev.yaml")
    parser.add_argument("--rambling", type=Path, default=ROOT / "tests" / "knowledge" / "data" / "rambling.yaml")
    parser.add_argument("--holdout", type=Path, nargs="*", default=[
        ROOT / "tests" / "data" / "faq_holdout.yaml", ROOT / "tests" / "data" / "faq_holdout2.yaml"])
    parser.add_argument("--embeddings", choices=("off", "e5"), default="off",
                        help="the semantic channel (vectors cached in --cache)")
    parser.add_argument("--cache", type=Path, default=ROOT / "instance")
