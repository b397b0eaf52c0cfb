import ast
import io
import os
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

from data_platform import dag_check

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY = os.path.join(HERE, "..", "data_platform")
SAMPLE_DAGS = os.path.join(HERE, "..", "..", "..", "stacks", "domain", "dags")

GOOD = '''
from datetime import datetime
from airflow import DAG
from data_platform.operators import SparkClusterOperator, code_uri, spark_step
with DAG(dag_id="d", start_date=datetime(2026, 1, 1), schedule="@daily") as dag:
    SparkClusterOperator(task_id="t", job="j", steps=[spark_step("s", code_uri("x.py"))], aws_conn_id="aws_default")
'''


def problems(source, local=()):
    return [message for _, message in dag_check.check_source(source, "dag.py", local)]


class DagCheckTest(unittest.TestCase):
    def test_accepts_a_dag_built_from_the_platforms_operators(self):
        self.assertEqual(problems(GOOD), [])

    def test_a_file_that_does_not_parse(self):
        self.assertEqual(dag_check.check_source("def broken(:\n", "dag.py"), [(1, "does not parse: invalid syntax")])

    def test_literal_arns_and_account_ids(self):
        self.assertRegex(problems('ROLE = "arn:aws:iam::123456789012:role/x"')[0], "literal ARN")
        self.assertRegex(problems('BUCKET = "s3://dp-dev-orders-raw-123456789012/x"')[0], "literal AWS account id")
        self.assertRegex(problems("ACCOUNT = 123456789012")[0], "literal AWS account id")
        self.assertRegex(problems('X = f"arn:aws-cn:s3:::{name}"')[0], "literal ARN")
        self.assertEqual(problems('DATE = "20260101"\nN = 10 ** 12'), [])

    def test_operators_the_platform_does_not_provide(self):
        self.assertRegex(problems("from airflow.providers.amazon.aws.operators.emr import EmrCreateJobFlowOperator")[0], "not provided by the platform")
        self.assertRegex(problems("from airflow.operators.bash import BashOperator")[0], "airflow.operators.bash")
        self.assertRegex(problems("import boto3")[0], "imports boto3")
        self.assertRegex(problems("from data_platform.operators import EmrOperator")[0], "data_platform.operators has no EmrOperator")
        self.assertRegex(problems("from airflow.models import Variable")[0], "from airflow.models import Variable")

    def test_modules_beside_the_dag_and_the_standard_library_are_fine(self):
        self.assertEqual(problems("import json\nfrom helpers import columns\nfrom . import shared", local={"helpers"}), [])

    def test_connections_the_platform_does_not_provide(self):
        self.assertRegex(problems(GOOD.replace('aws_conn_id="aws_default"', 'aws_conn_id="prod_admin"'))[0], "aws_conn_id='prod_admin': the platform provides only the connections aws_default")

    def test_knows_exactly_the_operators_the_library_exports(self):
        with open(os.path.join(LIBRARY, "operators.py"), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        defined = {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))} | {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
        self.assertTrue(dag_check.provided_operators())
        self.assertLessEqual(dag_check.provided_operators(), defined)

    def test_the_sample_dags_pass(self):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = dag_check.main([SAMPLE_DAGS])
        self.assertEqual((code, out.getvalue()), (0, ""))
        self.assertRegex(err.getvalue(), r"dag-check: [1-9]\d* file\(s\), 0 problem\(s\)")

    def test_cli_reports_each_problem_and_exits_1_or_2(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "bad.py"), "w", encoding="utf-8") as handle:
                handle.write('ROLE = "arn:aws:iam::123456789012:role/x"\n')
            out = io.StringIO()
            with redirect_stdout(out), redirect_stderr(io.StringIO()):
                self.assertEqual(dag_check.main([folder]), 1)
                self.assertEqual(dag_check.main([os.path.join(folder, "missing")]), 2)
                self.assertEqual(dag_check.main([]), 2)
            self.assertIn(f"{os.path.join(folder, 'bad.py')}:1: literal ARN", out.getvalue())


if __name__ == "__main__":
    unittest.main()
