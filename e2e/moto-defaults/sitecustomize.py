"""
Loaded by the Python that runs moto_server in the end-to-end suite (e2e/processes.ts puts this
folder first on PYTHONPATH; Python imports `sitecustomize` at start). It sets, before moto
serves anything, the defaults moto gets wrong that AWS documents (e2e/emulator-gaps.ts
EMULATOR_DEFAULTS, passed as JSON in E2E_MOTO_DEFAULTS): each a keyword parameter's default of a
moto class's __init__, replaced only when moto still has the default the entry names. One line per
entry on stderr, read back from the patched signature; e2e/processes.ts refuses a moto_server
that does not print it. Nothing here runs unless E2E_MOTO_DEFAULTS is set.
"""

import importlib
import importlib.util
import inspect
import json
import os
import sys

MARK = "e2e moto default:"


def _replace_default(function, parameter, expected, value):
    """Sets the default of `parameter` of `function` to `value`; refuses when it is not `expected`."""
    names = function.__code__.co_varnames[: function.__code__.co_argcount]
    defaults = list(function.__defaults__ or ())
    first_with_default = len(names) - len(defaults)
    if parameter in names and names.index(parameter) >= first_with_default:
        index = names.index(parameter) - first_with_default
        if defaults[index] != expected:
            return f"its default is {defaults[index]!r}, not {expected!r}"
        defaults[index] = value
        function.__defaults__ = tuple(defaults)
        return None
    keyword = dict(function.__kwdefaults__ or {})
    if parameter in keyword:
        if keyword[parameter] != expected:
            return f"its default is {keyword[parameter]!r}, not {expected!r}"
        keyword[parameter] = value
        function.__kwdefaults__ = keyword
        return None
    return "no such parameter with a default"


def _apply(entry):
    where = f"{entry['module']}.{entry['className']}.__init__ {entry['parameter']}"
    try:
        cls = getattr(importlib.import_module(entry["module"]), entry["className"])
        problem = _replace_default(cls.__init__, entry["parameter"], entry["moto"], entry["aws"])
        if problem is not None:
            return f"{MARK} NOT SET {where}: {problem}"
        now = inspect.signature(cls.__init__).parameters[entry["parameter"]].default
        return f"{MARK} {where} = {now} (moto's own: {entry['moto']})"
    except Exception as error:  # noqa: BLE001 - reported, and the suite refuses to go on
        return f"{MARK} NOT SET {where}: {type(error).__name__}: {error}"


def _chain():
    """Runs the sitecustomize this one shadows, if the interpreter has one further on sys.path."""
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        candidate = os.path.join(entry or os.getcwd(), "sitecustomize.py")
        if os.path.abspath(entry or os.getcwd()) == here or not os.path.isfile(candidate):
            continue
        spec = importlib.util.spec_from_file_location("_e2e_shadowed_sitecustomize", candidate)
        if spec is not None and spec.loader is not None:
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        return


def _snapshot_response_transformers():
    """
    moto 5.2's EC2 CreateVpcPeeringConnection handler writes into the class-level dict
    RESPONSE_KEY_PATH_TO_TRANSFORMER that every EC2 response shares
    (moto/ec2/responses/vpc_peering_connections.py), while another thread's response iterates it
    (moto/core/serialize.py, AttributePicker.__call__): `RuntimeError: dictionary changed size
    during iteration`, a 500 for a request moto had already carried out, and the provider's retry
    made a second object (seen in a CI run: network-prod's destroy then retried a
    DependencyViolation until its timeout). Each picker takes its own copy at construction instead:
    dict(d) of a dict runs in C under the GIL, so it never sees the dict half-changed.
    """
    try:
        from moto.core import serialize

        original = serialize.AttributePicker.__init__

        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            self.response_transformers = dict(self.response_transformers)

        serialize.AttributePicker.__init__ = __init__
        return f"{MARK} moto.core.serialize.AttributePicker copies the response transformers it is given (a thread-safety fix)"
    except Exception as error:  # noqa: BLE001 - reported on stderr like the defaults
        return f"{MARK} NOT SET moto.core.serialize.AttributePicker copy: {type(error).__name__}: {error}"


_chain()
if os.environ.get("E2E_MOTO_DEFAULTS"):
    print(_snapshot_response_transformers(), file=sys.stderr, flush=True)
    for _entry in json.loads(os.environ["E2E_MOTO_DEFAULTS"]):
        print(_apply(_entry), file=sys.stderr, flush=True)
