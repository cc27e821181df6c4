"""Load .env before anything reads the environment, from the project's folder, and fail clearly."""

import os
from functools import cache
from pathlib import Path

# WRONG (main.py):
#   from app.llm import client      # app/llm.py: client = OpenAI()  -> reads OPENAI_API_KEY now
#   from dotenv import load_dotenv
#   load_dotenv()                   # too late, and looks for .env relative to the caller/cwd

PROJECT_ENV = Path(__file__).resolve().parent / ".env"  # not Path(".env"): that follows the cwd


def load_env_file(path: str | Path = PROJECT_ENV, override: bool = False) -> list[str]:
    """A minimal load_dotenv: KEY=VALUE lines; variables already set win unless override."""
    loaded = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip().removeprefix("export ")
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if override or not os.environ.get(key):  # an exported empty value does not block .env
            os.environ[key] = value.strip("'\"")
            loaded.append(key)
    return loaded


def require_env(name: str, hint: str = str(PROJECT_ENV)) -> str:
    """The variable's value, or an error that says where it was expected."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"{name} is not set: export it or add it to {hint} (loaded before the client is created)")
    return value


@cache
def get_client(factory=dict):  # factory: OpenAI, Anthropic, ...; dict stands in here
    """Create the client on first use, after the entry point loaded the environment."""
    return factory(api_key=require_env("OPENAI_API_KEY"))
