"""Code written for openai 0.x fails on a 1.x install (openai.error and openai.ChatCompletion are
gone); the snippet runs unchanged on both, built here as two small packages with their metadata."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from errata_check import SNIPPET_FILE, load_snippet, record

V0 = {
    "__init__.py": """from openai import error
class ChatCompletion:
    @classmethod
    def create(cls, model, messages):
        if messages[-1]["content"] == "too fast":
            raise error.RateLimitError("Rate limit reached")
        return {"choices": [{"message": {"role": "assistant", "content": "v0 says hi"}}]}
""",
    "error.py": "class OpenAIError(Exception): pass\nclass APIError(OpenAIError): pass\n"
    "class RateLimitError(OpenAIError): pass\n",
}
V1 = {
    "__init__.py": """from types import SimpleNamespace
class OpenAIError(Exception): pass
class APIError(OpenAIError): pass
class RateLimitError(APIError): pass
class APIRemovedInV1(OpenAIError): pass
REMOVED = ("ChatCompletion", "Completion", "Embedding", "Image")
def __getattr__(name):
    if name in REMOVED:
        raise APIRemovedInV1(f"You tried to access openai.{name}, but this is no longer supported in "
                             "openai>=1.0.0 - see the README at https://github.com/openai/openai-python for the API.")
    raise AttributeError(f"module 'openai' has no attribute {name!r}")
class _Completions:
    def create(self, model, messages):
        if messages[-1]["content"] == "too fast":
            raise RateLimitError("Rate limit reached")
        message = SimpleNamespace(role="assistant", content="v1 says hi")
        return SimpleNamespace(choices=[SimpleNamespace(message=message)])
class OpenAI:
    def __init__(self, api_key=None):
        self.chat = SimpleNamespace(completions=_Completions())
""",
}
OLD_ERRORS = "import openai.error\nprint('caught', openai.error.RateLimitError.__name__)\n"
OLD_CHAT = ("import openai\nreply = openai.ChatCompletion.create(model='m', messages=[{'role': 'user', "
            "'content': 'hi'}])\nprint(reply['choices'][0]['message']['content'])\n")
NEW_APP = """import json
from compat import OPENAI_V1, RateLimitError, chat
try:
    chat([{"role": "user", "content": "too fast"}], model="m")
    limited = False
except RateLimitError:
    limited = True
print(json.dumps({"v1": OPENAI_V1, "text": chat([{"role": "user", "content": "hi"}], model="m"), "limited": limited}))
"""


def package(root: Path, version: str, files: dict[str, str]) -> Path:
    """A site folder holding `openai` at this version, with the metadata importlib.metadata reads."""
    site = root / f"site-{version}"
    (site / "openai").mkdir(parents=True)
    for name, text in files.items():
        (site / "openai" / name).write_text(text, encoding="utf-8")
    info = site / f"openai-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: openai\nVersion: {version}\n", encoding="utf-8")
    return site


def run(project: Path, site: Path, name: str, source: str) -> subprocess.CompletedProcess:
    (project / name).write_text(source, encoding="utf-8")
    env = {"PYTHONPATH": f"{project}{os.pathsep}{site}", "PATH": os.environ.get("PATH", "/usr/bin")}
    return subprocess.run([sys.executable, name], cwd=project, env=env, capture_output=True, text=True, timeout=30)


root = Path(tempfile.mkdtemp())
old_site, new_site = package(root, "0.28.1", V0), package(root, "1.3.0", V1)
project = root / "project"
project.mkdir()
shutil.copy(SNIPPET_FILE, project / "compat.py")
for site in (old_site, new_site):
    version = run(project, site, "version.py", "from importlib import metadata\nprint(metadata.version('openai'))\n")
    assert version.stdout.strip() == site.name.removeprefix("site-"), version.stderr

assert run(project, old_site, "old_errors.py", OLD_ERRORS).stdout.strip() == "caught RateLimitError"
assert run(project, old_site, "old_chat.py", OLD_CHAT).stdout.strip() == "v0 says hi"
errors = run(project, new_site, "old_errors.py", OLD_ERRORS)
assert errors.returncode != 0 and "ModuleNotFoundError: No module named 'openai.error'" in errors.stderr, errors.stderr
old_chat = run(project, new_site, "old_chat.py", OLD_CHAT)
removed = "You tried to access openai.ChatCompletion, but this is no longer supported in openai>=1.0.0"
assert old_chat.returncode != 0 and removed in old_chat.stderr, old_chat.stderr

fixed = {}
for site, expected in ((old_site, {"v1": False, "text": "v0 says hi"}), (new_site, {"v1": True, "text": "v1 says hi"})):
    result = run(project, site, "new_app.py", NEW_APP)
    assert result.returncode == 0, result.stderr
    fixed[site.name] = json.loads(result.stdout)
    assert fixed[site.name] == {**expected, "limited": True}, fixed
sys.path.insert(0, str(new_site))  # this process too gets openai 1.3.0: the snippet as published
ns = load_snippet()
assert ns["OPENAI_V1"] is True and ns["chat"]([{"role": "user", "content": "hi"}], model="m") == "v1 says hi"
try:
    ns["chat"]([{"role": "user", "content": "too fast"}], model="m")
    raise AssertionError("no RateLimitError")
except ns["RateLimitError"] as error:
    assert type(error).__module__ == "openai", type(error)
record(
    wrong_on_1_3_0=[errors.stderr.strip().splitlines()[-1], old_chat.stderr.strip().splitlines()[-1][:120]],
    fixed=fixed,
)
