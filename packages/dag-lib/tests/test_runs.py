import json
import unittest

from data_platform import runs
from tests.fixtures import SETTINGS, template


class FakeSsm:
    def __init__(self, parameters):
        self.parameters = parameters

    def get_parameter(self, Name):
        return {"Parameter": {"Name": Name, "Value": self.parameters[Name]}}


class FakeEmr:
    def __init__(self, states, step_states=("COMPLETED",)):
        self.states = list(states)
        self.step_states = step_states
        self.requests = []

    def run_job_flow(self, **request):
        self.requests.append(request)
        return {"JobFlowId": "j-1"}

    def describe_cluster(self, ClusterId):
        return {"Cluster": {"Id": ClusterId, "Status": {"State": self.states.pop(0)}}}

    def list_steps(self, ClusterId):
        return {"Steps": [{"Name": f"step-{index}", "Status": {"State": state}} for index, state in enumerate(self.step_states)]}


def no_sleep(_seconds):
    return None


class WaitForTest(unittest.TestCase):
    def test_polls_until_success_or_failure_or_timeout(self):
        states = iter(["STARTING", "RUNNING", "TERMINATED"])
        self.assertEqual(runs.wait_for(lambda: next(states), success={"TERMINATED"}, failure={"FAILED"}, what="x", sleep=no_sleep), "TERMINATED")
        with self.assertRaisesRegex(runs.JobFailed, "x ended in state FAILED"):
            runs.wait_for(lambda: "FAILED", success={"DONE"}, failure={"FAILED"}, what="x", sleep=no_sleep)
        clock = iter([0, 10, 20, 30])
        with self.assertRaisesRegex(runs.JobFailed, "still RUNNING after 15 s"):
            runs.wait_for(lambda: "RUNNING", success={"DONE"}, failure=set(), what="x", timeout_seconds=15, sleep=no_sleep, clock=lambda: next(clock))


class EphemeralClusterTest(unittest.TestCase):
    def ssm(self):
        return FakeSsm({SETTINGS.spark_template_parameter: json.dumps(template())})

    def test_launches_from_the_template_in_ssm_and_waits_for_termination(self):
        emr = FakeEmr(["STARTING", "RUNNING", "TERMINATING", "TERMINATED"])
        started = []
        cluster = runs.run_ephemeral_cluster(self.ssm(), emr, SETTINGS, job="curate", steps=[{"Name": "s", "HadoopJarStep": {"Jar": "command-runner.jar"}}], sleep=no_sleep, on_start=started.append)
        self.assertEqual((cluster, started), ("j-1", ["j-1"]))
        self.assertEqual(emr.requests[0]["Name"], "dp-dev-orders-curate")
        self.assertEqual(emr.requests[0]["SecurityConfiguration"], "dp-dev-orders")

    def test_fails_when_the_cluster_or_a_step_failed(self):
        step = [{"Name": "s", "HadoopJarStep": {"Jar": "command-runner.jar"}}]
        with self.assertRaisesRegex(runs.JobFailed, "TERMINATED_WITH_ERRORS"):
            runs.run_ephemeral_cluster(self.ssm(), FakeEmr(["TERMINATED_WITH_ERRORS"]), SETTINGS, job="x", steps=step, sleep=no_sleep)
        with self.assertRaisesRegex(runs.JobFailed, "steps not completed: step-1"):
            runs.run_ephemeral_cluster(self.ssm(), FakeEmr(["TERMINATED"], ("COMPLETED", "FAILED")), SETTINGS, job="x", steps=step, sleep=no_sleep)

    def test_runs_an_import_from_the_importers_definition(self):
        definition = {"schemaVersion": 1, "source": "orders-db", "domain": "orders", "cluster": {"template": SETTINGS.spark_template_parameter, "overrides": {"Name": "dp-dev-orders-import-orders-db"}}, "steps": [{"Name": "import", "HadoopJarStep": {"Jar": "command-runner.jar"}}]}
        ssm = FakeSsm({SETTINGS.spark_template_parameter: json.dumps(template()), "/dp/dev/importer/orders-db/job": json.dumps(definition)})
        emr = FakeEmr(["TERMINATED"])
        runs.run_import(ssm, emr, SETTINGS, source="orders-db", sleep=no_sleep)
        self.assertEqual(emr.requests[0]["Name"], "dp-dev-orders-import-orders-db")

    def test_a_parameter_that_is_not_json_is_a_clear_failure(self):
        with self.assertRaisesRegex(runs.JobFailed, "does not hold JSON"):
            runs.run_ephemeral_cluster(FakeSsm({SETTINGS.spark_template_parameter: "{"}), FakeEmr([]), SETTINGS, job="x", steps=[], sleep=no_sleep)


class ServerlessEksFargateTest(unittest.TestCase):
    def test_serverless_run_waits_for_success(self):
        class Client:
            requests = []
            states = ["PENDING", "RUNNING", "SUCCESS"]

            def start_job_run(self, **request):
                self.requests.append(request)
                return {"jobRunId": "run-1"}

            def get_job_run(self, applicationId, jobRunId):
                return {"jobRun": {"state": self.states.pop(0)}}

        client = Client()
        self.assertEqual(runs.run_serverless(client, SETTINGS, job="curate", entry_point="s3://code/c.py", sleep=no_sleep, client_token="t"), "run-1")
        self.assertEqual(client.requests[0]["applicationId"], "00abc")

    def test_eks_run_fails_with_the_job(self):
        class Client:
            def start_job_run(self, **request):
                return {"id": "jr-1"}

            def describe_job_run(self, id, virtualClusterId):
                return {"jobRun": {"state": "FAILED"}}

        with self.assertRaisesRegex(runs.JobFailed, "EMR on EKS job run jr-1"):
            runs.run_emr_eks(Client(), SETTINGS, job="curate", entry_point="s3://code/c.py", sleep=no_sleep)

    def fargate(self, exit_code, failures=()):
        class Ecs:
            requests = []

            def run_task(self, **request):
                self.requests.append(request)
                return {"tasks": [] if failures else [{"taskArn": "task-1"}], "failures": list(failures)}

            def describe_tasks(self, cluster, tasks):
                return {"tasks": [{"lastStatus": "STOPPED", "stoppedReason": "Essential container exited", "containers": [{"name": "export", "exitCode": exit_code}]}]}

        return Ecs()

    def test_fargate_job_succeeds_only_when_its_container_exits_0(self):
        ecs = self.fargate(0)
        self.assertEqual(runs.run_fargate(ecs, SETTINGS, job="export", sleep=no_sleep), "task-1")
        self.assertEqual(ecs.requests[0]["taskDefinition"], "dp-dev-orders-export")
        with self.assertRaisesRegex(runs.JobFailed, "exited with 3"):
            runs.run_fargate(self.fargate(3), SETTINGS, job="export", sleep=no_sleep)
        with self.assertRaisesRegex(runs.JobFailed, "did not start"):
            runs.run_fargate(self.fargate(0, failures=[{"reason": "RESOURCE:ENI"}]), SETTINGS, job="export", sleep=no_sleep)


if __name__ == "__main__":
    unittest.main()
