"""Started in the sandbox as `python3 -I -S /tmp/boot.py PROGRAM`: run PROGRAM as __main__.

`-I` keeps the script's folder off sys.path, so this puts /tmp (snippet.py, check.py,
errata_check.py) on it, then executes the program (check.py, or snippet.py when an entry
has no check) in a fresh `__main__` module so tracebacks
and pickling look as if the check had been started directly. Standard library only.
"""

import sys
import types

_program = sys.argv[1]
sys.path.insert(0, "/tmp")
sys.argv = [_program]
_main = types.ModuleType("__main__")
_main.__file__ = _program
sys.modules["__main__"] = _main
with open(_program, encoding="utf-8") as _f:
    _code = compile(_f.read(), _program, "exec", dont_inherit=True)
del _f, _program
exec(_code, _main.__dict__)
