"""Render `flake8 examples/` as a terminal picture for the docs: ``docs/img/try-it.png``.

    python docs/scripts/render_terminal.py   # needs Pillow (pip install pillow) and the plugin installed

Runs the README's "Try it" command for real and draws its output, so the picture shows the real findings.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
COMMAND = "flake8 examples/"
COLOURS = {"prompt": (110, 200, 120), "path": (120, 170, 230), "code": (240, 190, 90), "text": (220, 220, 220)}


def finding_parts(line: str) -> list[tuple[str, str]]:
    """A flake8 line split into coloured parts: location, code, message."""
    location, _, rest = line.partition(": ")
    code, _, message = rest.partition(" ")
    return [("path", location + ": "), ("code", code + " "), ("text", message)]


def render(lines: list[list[tuple[str, str]]], out: Path, size: int = 13) -> None:
    font = ImageFont.truetype(FONT, size)
    width = max(font.getlength("".join(text for _, text in parts)) for parts in lines)
    step = int(size * 1.45)
    image = Image.new("RGB", (int(width) + 32, step * len(lines) + 28), (30, 32, 36))
    draw = ImageDraw.Draw(image)
    for row, parts in enumerate(lines):
        x = 16
        for kind, text in parts:
            draw.text((x, 14 + row * step), text, font=font, fill=COLOURS[kind])
            x += font.getlength(text)
    image.quantize(colors=32).save(out, optimize=True)


def main() -> None:
    # --reviewable-base=none: what a fresh clone prints (no change against the base), on any branch.
    args = ["--reviewable-base=none", *COMMAND.split()[1:]]
    output = subprocess.run([sys.executable, "-m", "flake8", *args], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.splitlines()
    lines = [[("prompt", "$ "), ("text", COMMAND)], *(finding_parts(line) for line in output)]
    render(lines, ROOT / "docs" / "img" / "try-it.png")


if __name__ == "__main__":
    main()
