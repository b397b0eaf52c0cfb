"""The Airflow operators cannot run here (no Airflow): check statically that they call the runs with arguments
those functions take, so a renamed argument fails here rather than in a DAG run."""

import ast
import inspect
import os
import unittest

from data_platform import requests, runs

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data_platform", "operators.py")


class OperatorsTest(unittest.TestCase):
    def setUp(self):
        with open(SOURCE, encoding="utf-8") as handle:
            self.tree = ast.parse(handle.read())

    def test_every_call_into_runs_uses_existing_functions_and_arguments(self):
        calls = [node for node in ast.walk(self.tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == "runs"]
        self.assertEqual(len(calls), 5)
        for call in calls:
            function = getattr(runs, call.func.attr, None)
            self.assertIsNotNone(function, call.func.attr)
            parameters = inspect.signature(function).parameters
            for keyword in call.keywords:
                self.assertIn(keyword.arg, parameters, f"runs.{call.func.attr}({keyword.arg}=...)")
            required = [name for name, parameter in parameters.items() if parameter.default is inspect.Parameter.empty and parameter.kind != inspect.Parameter.VAR_KEYWORD]
            given = {keyword.arg for keyword in call.keywords} | set(list(parameters)[: len(call.args)])
            self.assertLessEqual(set(required), given, f"runs.{call.func.attr} misses arguments")

    def test_exports_exist(self):
        exported = next(node for node in self.tree.body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__")
        names = {element.value for element in exported.value.elts}
        defined = {node.name for node in self.tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
        for name in names - defined:
            self.assertTrue(hasattr(requests, name), name)


if __name__ == "__main__":
    unittest.main()
