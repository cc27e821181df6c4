"""The one build step pyproject.toml cannot say: ship entries/ and skill/ inside the wheel.

They live at the top of the checkout (the layout is fixed), so the wheel maps them to
`errata/_data/entries` and `errata/_data/skill`; errata.config finds them there when installed
and in the checkout when installed editable (where this step does not run).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("entries", "skill")


class BuildWithData(build_py):
    """build_py that also copies the curated entries and the skill into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in SHIPPED:
            target = Path(self.build_lib) / "errata" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "node_modules")
            shutil.copytree(Path(__file__).parent / name, target, ignore=ignore)


setup(cmdclass={"build_py": BuildWithData})
