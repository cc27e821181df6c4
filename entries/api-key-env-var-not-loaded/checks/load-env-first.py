"""A client created at import time, before .env is loaded, has no key; loading first (or a lazy
client) works, from any working directory, and an empty exported variable does not hide .env."""

import importlib
import os
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

MESSAGE = (
    "The api_key client option must be set either by passing api_key to the client "
    "or by setting the OPENAI_API_KEY environment variable"
)
project = Path(tempfile.mkdtemp())
(project / ".env").write_text("# keys\nexport OPENAI_API_KEY='sk-test-123'\nMODEL=gpt-4o\n", encoding="utf-8")
(project / "fake_openai.py").write_text(
    "import os\nclass OpenAIError(Exception):\n    pass\n"
    "class OpenAI:\n    def __init__(self, api_key=None):\n"
    "        self.api_key = api_key or os.environ.get('OPENAI_API_KEY')\n"
    f"        if not self.api_key:\n            raise OpenAIError({MESSAGE!r})\n",
    encoding="utf-8",
)
(project / "llm_eager.py").write_text("from fake_openai import OpenAI\nclient = OpenAI()\n", encoding="utf-8")
sys.path.insert(0, str(project))
os.environ.pop("OPENAI_API_KEY", None)
ns = load_snippet()  # before leaving the folder it lives in
elsewhere = Path(tempfile.mkdtemp())
os.chdir(elsewhere)  # started from another folder, as IDEs, cron and agents often do

try:
    importlib.import_module("llm_eager")  # WRONG order: the import creates the client first
    raise AssertionError("the eager client was created without a key")
except Exception as error:
    assert type(error).__name__ == "OpenAIError" and MESSAGE in str(error), error
assert not Path(".env").exists()  # a cwd-relative .env lookup finds nothing here

os.environ["OPENAI_API_KEY"] = ""  # an empty export in the shell
loaded = ns["load_env_file"](project / ".env")
assert loaded == ["OPENAI_API_KEY", "MODEL"] and os.environ["OPENAI_API_KEY"] == "sk-test-123"
os.environ["MODEL"] = "from-shell"
ns["load_env_file"](project / ".env")
assert os.environ["MODEL"] == "from-shell"  # a real exported value wins, as with python-dotenv
eager = importlib.reload(sys.modules.get("llm_eager") or importlib.import_module("llm_eager"))
assert eager.client.api_key == "sk-test-123"
fake = importlib.import_module("fake_openai")
assert ns["get_client"](fake.OpenAI).api_key == "sk-test-123"
os.environ.pop("OPENAI_API_KEY")
try:
    ns["require_env"]("OPENAI_API_KEY")
    raise AssertionError("missing key accepted")
except RuntimeError as error:
    assert "OPENAI_API_KEY is not set" in str(error)
record(wrong="OpenAIError at import", loaded=loaded)
