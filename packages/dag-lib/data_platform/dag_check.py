"""The DAG check: what a domain's DAG files must satisfy before they reach the DAG bucket.

    python3 -m data_platform.dag_check <dir or file>...        (or: python3 path/to/dag_check.py ...)

For every ``.py`` file: it parses (Python's ``ast``, nothing is imported or run); it holds no literal ARN and
no AWS account id (the platform passes them through ``data_platform.*`` options); it imports only the
standard library, the Airflow core pieces below, the platform's ``data_platform`` library and modules beside
it in the DAG folder, so it names only operators the platform provides; and every ``*conn_id`` it passes is a
connection the platform provides. Exit 0 when clean, 1 with one ``file:line: problem`` per problem, 2 on usage.
Standard library only, so it runs anywhere Python 3.8+ does.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

# Airflow's core, as DAG authors need it: DAG structure, not integrations.
AIRFLOW_CORE: Dict[str, Set[str]] = {
    "airflow": {"DAG", "Dataset"},
    "airflow.models": {"DAG"},
    "airflow.models.dag": {"DAG"},
    "airflow.decorators": {"dag", "task", "task_group"},
    "airflow.datasets": {"Dataset"},
    "airflow.operators.empty": {"EmptyOperator"},
    "airflow.utils.task_group": {"TaskGroup"},
    "airflow.utils.trigger_rule": {"TriggerRule"},
    "airflow.sensors.external_task": {"ExternalTaskSensor", "ExternalTaskMarker"},
    "airflow.timetables.trigger": {"CronTriggerTimetable"},
}
# Third-party modules every MWAA image has that DAGs may use for dates.
ALLOWED_THIRD_PARTY = {"pendulum"}
LIBRARY = "data_platform"
# The platform library's modules a DAG may import from; `operators` is checked name by name.
LIBRARY_MODULES = {"data_platform", "data_platform.operators", "data_platform.requests", "data_platform.settings"}
PROVIDED_CONNECTIONS = {"aws_default"}

ARN = re.compile(r"arn:aws[a-z-]*:")
ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def provided_operators() -> Set[str]:
    """The names ``data_platform.operators`` exports (its ``__all__``), read without importing Airflow."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "operators.py")
    with open(source, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets):
            return {element.value for element in node.value.elts if isinstance(element, ast.Constant)}  # type: ignore[attr-defined]
    raise RuntimeError(f"{source} has no __all__")


def _stdlib() -> Set[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names:
        return set(names)
    return set(sys.builtin_module_names) | {"datetime", "json", "os", "re", "typing", "functools", "itertools", "collections", "textwrap", "dataclasses", "pathlib", "time", "uuid", "math"}


def check_source(source: str, filename: str, local_modules: Iterable[str] = ()) -> List[Tuple[int, str]]:
    """The problems of one DAG file's source, as (line, message)."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as error:
        return [(error.lineno or 0, f"does not parse: {error.msg}")]
    problems: List[Tuple[int, str]] = []
    stdlib = _stdlib()
    local = set(local_modules)
    operators = provided_operators()

    def allowed_module(module: str) -> bool:
        top = module.split(".")[0]
        return top in stdlib or top in ALLOWED_THIRD_PARTY or top in local

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in LIBRARY_MODULES or allowed_module(alias.name):
                    continue
                if alias.name == "airflow":
                    continue
                problems.append((node.lineno, f"imports {alias.name}: not provided by the platform (DAGs use data_platform.operators: {', '.join(sorted(operators))})"))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                continue  # a relative import stays inside the DAG folder
            names = [alias.name for alias in node.names]
            if module in LIBRARY_MODULES:
                if module == "data_platform.operators":
                    for name in names:
                        if name not in operators:
                            problems.append((node.lineno, f"data_platform.operators has no {name}; it provides {', '.join(sorted(operators))}"))
                continue
            if module in AIRFLOW_CORE:
                for name in names:
                    if name not in AIRFLOW_CORE[module]:
                        problems.append((node.lineno, f"from {module} import {name}: not provided by the platform (allowed from {module}: {', '.join(sorted(AIRFLOW_CORE[module]))})"))
                continue
            if allowed_module(module):
                continue
            problems.append((node.lineno, f"imports from {module}: not provided by the platform (DAGs use data_platform.operators: {', '.join(sorted(operators))})"))
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, str):
                if ARN.search(value):
                    problems.append((node.lineno, "literal ARN: the platform passes ARNs through data_platform.* options; use the data_platform operators"))
                elif ACCOUNT_ID.search(value):
                    problems.append((node.lineno, "literal AWS account id (12 digits): DAGs must run unchanged in every stage and account"))
            elif isinstance(value, int) and not isinstance(value, bool) and 10**11 <= value < 10**12:
                problems.append((node.lineno, "literal AWS account id (12 digits): DAGs must run unchanged in every stage and account"))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.endswith("conn_id"):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and node.value.value not in PROVIDED_CONNECTIONS:
                problems.append((getattr(node.value, "lineno", 0), f"{node.arg}={node.value.value!r}: the platform provides only the connections {', '.join(sorted(PROVIDED_CONNECTIONS))}"))
    return sorted(set(problems))


def dag_files(paths: Sequence[str]) -> List[str]:
    files: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(name for name in dirs if not name.startswith((".", "__")))
                files += [os.path.join(root, name) for name in sorted(names) if name.endswith(".py")]
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise FileNotFoundError(path)
    return files


def check_paths(paths: Sequence[str]) -> List[Tuple[str, int, str]]:
    problems: List[Tuple[str, int, str]] = []
    for file in dag_files(paths):
        folder = os.path.dirname(file)
        local = {name[:-3] for name in os.listdir(folder) if name.endswith(".py")} | {name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name))}
        with open(file, encoding="utf-8") as handle:
            source = handle.read()
        problems += [(file, line, message) for line, message in check_source(source, file, local - {os.path.basename(file)[:-3]})]
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: dag_check <dir or file>...", file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    try:
        files = dag_files(args)
        problems = check_paths(args)
    except FileNotFoundError as error:
        print(f"dag-check: {error} does not exist", file=sys.stderr)
        return 2
    for file, line, message in problems:
        print(f"{file}:{line}: {message}")
    print(f"dag-check: {len(files)} file(s), {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
