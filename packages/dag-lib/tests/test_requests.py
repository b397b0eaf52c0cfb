import unittest

from data_platform import requests as r
from data_platform.settings import PlatformSettingsError
from tests.fixtures import BARE, SETTINGS, template


class DeepMergeTest(unittest.TestCase):
    def test_objects_merge_and_lists_are_replaced(self):
        merged = r.deep_merge({"a": {"b": 1, "c": [1, 2]}, "d": 1}, {"a": {"c": [3]}, "e": 2})
        self.assertEqual(merged, {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2})

    def test_never_changes_its_inputs(self):
        base = {"a": {"b": [1]}}
        r.deep_merge(base, {"a": {"c": 1}})
        self.assertEqual(base, {"a": {"b": [1]}})


class SparkStepTest(unittest.TestCase):
    def test_spark_submit_in_cluster_mode_through_command_runner(self):
        step = r.spark_step("curate", "s3://code/curate.py", ["--date", "2026-01-01"], spark_conf={"spark.b": "2", "spark.a": "1"})
        self.assertEqual(step, {
            "Name": "curate",
            "ActionOnFailure": "TERMINATE_CLUSTER",
            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "--deploy-mode", "cluster", "--conf", "spark.a=1", "--conf", "spark.b=2", "s3://code/curate.py", "--date", "2026-01-01"]},
        })

    def test_refuses_bad_arguments(self):
        with self.assertRaisesRegex(r.RequestError, "action_on_failure"):
            r.spark_step("x", "s3://code/x.py", action_on_failure="KEEP_ALIVE")
        with self.assertRaisesRegex(r.RequestError, "entry_point is required"):
            r.spark_step("x", "")


class TemplatesTest(unittest.TestCase):
    def test_code_uri_and_options_render_when_the_task_runs(self):
        self.assertEqual(r.code_uri("spark/curate.py"), "{{ conf.get('data_platform', 'code_uri') }}spark/curate.py")
        self.assertEqual(r.platform_option("raw_database"), "{{ conf.get('data_platform', 'raw_database') }}")
        for bad in ("/abs.py", "s3://bucket/x.py", "../other/x.py", ""):
            with self.assertRaises(r.RequestError, msg=bad):
                r.code_uri(bad)
        with self.assertRaises(r.RequestError):
            r.platform_option("x') }}{{ 1")


class RunJobFlowTest(unittest.TestCase):
    def steps(self):
        return [r.spark_step("curate", "s3://code/curate.py")]

    def test_keeps_the_template_and_adds_steps_name_and_job_tag(self):
        request = r.run_job_flow_request(template(), SETTINGS, job="curate-orders", steps=self.steps(), tags={"team": "orders-data"})
        expected = template()
        for key in ("ReleaseLabel", "LogUri", "Instances", "AutoTerminationPolicy", "SecurityConfiguration", "ServiceRole", "JobFlowRole"):
            self.assertEqual(request[key], expected[key], key)
        self.assertEqual(request["Name"], "dp-dev-orders-curate-orders")
        self.assertEqual(request["Steps"], self.steps())
        self.assertFalse(request["Instances"]["KeepJobFlowAliveWhenNoSteps"])
        self.assertEqual(request["AutoTerminationPolicy"], {"IdleTimeout": 1800})
        self.assertEqual(request["Tags"], [
            {"Key": "data-platform:domain", "Value": "orders"},
            {"Key": "data-platform:job", "Value": "curate-orders"},
            {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"},
            {"Key": "team", "Value": "orders-data"},
        ])

    def test_allowed_overrides_merge(self):
        overrides = {"Instances": {"InstanceFleets": [{"Name": "core", "InstanceFleetType": "CORE", "TargetSpotCapacity": 32}]}, "StepConcurrencyLevel": 2}
        request = r.run_job_flow_request(template(), SETTINGS, job="big", steps=self.steps(), overrides=overrides)
        self.assertEqual(request["Instances"]["InstanceFleets"][0]["TargetSpotCapacity"], 32)
        self.assertEqual(request["Instances"]["Ec2SubnetIds"], ["subnet-0a", "subnet-0b"])
        self.assertEqual(request["StepConcurrencyLevel"], 2)

    def test_refuses_overrides_of_what_the_platform_sets(self):
        for overrides, key in [
            ({"Instances": {"KeepJobFlowAliveWhenNoSteps": True}}, "Instances.KeepJobFlowAliveWhenNoSteps"),
            ({"AutoTerminationPolicy": {"IdleTimeout": 604800}}, "AutoTerminationPolicy"),
            ({"SecurityConfiguration": "none"}, "SecurityConfiguration"),
            ({"Instances": {"Ec2SubnetIds": ["subnet-public"]}}, "Instances.Ec2SubnetIds"),
            ({"JobFlowRole": "admin"}, "JobFlowRole"),
            ({"Tags": []}, "Tags"),
        ]:
            with self.assertRaisesRegex(r.RequestError, f"may not change {key}"):
                r.run_job_flow_request(template(), SETTINGS, job="x", steps=self.steps(), overrides=overrides)

    def test_refuses_platform_tags_changed_or_claimed(self):
        with self.assertRaisesRegex(r.RequestError, "namespace is the platform's"):
            r.run_job_flow_request(template(), SETTINGS, job="x", steps=self.steps(), tags={"data-platform:domain": "payments"})
        with self.assertRaisesRegex(r.RequestError, "set by the platform's template"):
            r.run_job_flow_request(template(), SETTINGS, job="x", steps=self.steps(), tags={"for-use-with-amazon-emr-managed-policies": "false"})

    def test_a_cluster_without_steps_would_only_idle(self):
        with self.assertRaisesRegex(r.RequestError, "at least one step"):
            r.run_job_flow_request(template(), SETTINGS, job="x", steps=[])
        with self.assertRaisesRegex(r.RequestError, r"steps\[0\]"):
            r.run_job_flow_request(template(), SETTINGS, job="x", steps=[{"Name": "no jar"}])

    def test_refuses_a_template_that_would_not_end_or_is_another_domains(self):
        keep_alive = template()
        keep_alive["Instances"]["KeepJobFlowAliveWhenNoSteps"] = True
        with self.assertRaisesRegex(r.RequestError, "KeepJobFlowAliveWhenNoSteps"):
            r.run_job_flow_request(keep_alive, SETTINGS, job="x", steps=self.steps())
        no_idle = template()
        del no_idle["AutoTerminationPolicy"]
        with self.assertRaisesRegex(r.RequestError, "IdleTimeout"):
            r.run_job_flow_request(no_idle, SETTINGS, job="x", steps=self.steps())
        with self.assertRaisesRegex(r.RequestError, "not domain 'orders'"):
            r.run_job_flow_request(template("payments"), SETTINGS, job="x", steps=self.steps())

    def test_job_names(self):
        for bad in ("Curate", "1st", "a" * 32, "with_underscore", ""):
            with self.assertRaises(r.RequestError, msg=bad):
                r.run_job_flow_request(template(), SETTINGS, job=bad, steps=self.steps())


class ImportJobTest(unittest.TestCase):
    def definition(self, **changes):
        definition = {
            "schemaVersion": 1,
            "kind": "database",
            "source": "orders-db",
            "domain": "orders",
            "cluster": {"template": "/dp/dev/spark/orders/run-job-flow", "overrides": {"Name": "dp-dev-orders-import-orders-db", "Instances": {"AdditionalSlaveSecurityGroups": ["sg-importer"]}}},
            "steps": [{"Name": "import orders-db", "ActionOnFailure": "TERMINATE_CLUSTER", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "--job-parameter", "/dp/dev/importer/orders-db/job"]}}],
        }
        definition.update(changes)
        return definition

    def test_the_importers_definition_on_the_domains_template(self):
        request = r.import_job_flow_request(self.definition(), template(), SETTINGS)
        self.assertEqual(request["Name"], "dp-dev-orders-import-orders-db")
        self.assertEqual(request["Instances"]["AdditionalSlaveSecurityGroups"], ["sg-importer"])
        self.assertEqual(request["Instances"]["EmrManagedSlaveSecurityGroup"], "sg-core")
        self.assertEqual(request["Steps"], self.definition()["steps"])
        self.assertIn({"Key": "data-platform:import-source", "Value": "orders-db"}, request["Tags"])
        self.assertIn({"Key": "data-platform:domain", "Value": "orders"}, request["Tags"])

    def test_refuses_another_domains_or_versions_definition(self):
        with self.assertRaisesRegex(r.RequestError, "belongs to domain 'payments'"):
            r.import_job_flow_request(self.definition(domain="payments"), template(), SETTINGS)
        with self.assertRaisesRegex(r.RequestError, "schemaVersion 2"):
            r.import_job_flow_request(self.definition(schemaVersion=2), template(), SETTINGS)
        with self.assertRaisesRegex(r.RequestError, "runs on template"):
            r.import_job_flow_request(self.definition(cluster={"template": "/dp/dev/spark/payments/run-job-flow", "overrides": {}}), template(), SETTINGS)


class ServerlessAndEksTest(unittest.TestCase):
    def test_serverless_job_run_on_the_domains_application(self):
        request = r.serverless_start_job_run_request(SETTINGS, job="curate", entry_point="s3://code/c.py", arguments=["--date", 1], spark_conf={"spark.executor.cores": "4"}, client_token="t")
        self.assertEqual(request, {
            "applicationId": "00abc",
            "executionRoleArn": "arn:aws:iam::123456789012:role/dp-dev-orders-spark-serverless",
            "clientToken": "t",
            "name": "dp-dev-orders-curate",
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://code/c.py", "entryPointArguments": ["--date", "1"], "sparkSubmitParameters": "--conf spark.executor.cores=4"}},
            "executionTimeoutMinutes": 360,
        })
        tagged = r.serverless_start_job_run_request(SETTINGS, job="curate", entry_point="s3://code/c.py", client_token="t", tags={"team": "orders-data"})
        self.assertEqual(tagged["tags"], {"team": "orders-data"})
        with self.assertRaisesRegex(r.RequestError, "namespace is the platform's"):
            r.serverless_start_job_run_request(SETTINGS, job="curate", entry_point="s3://code/c.py", client_token="t", tags={"data-platform:domain": "x"})

    def test_eks_job_run_on_the_domains_virtual_cluster(self):
        request = r.emr_eks_start_job_run_request(SETTINGS, job="curate", entry_point="s3://code/c.py", client_token="t")
        self.assertEqual(request["virtualClusterId"], "vc123")
        self.assertEqual(request["executionRoleArn"], "arn:aws:iam::123456789012:role/dp-dev-orders-spark-eks")
        self.assertEqual(request["releaseLabel"], "emr-6.15.0-latest")
        self.assertEqual(request["jobDriver"], {"sparkSubmitJobDriver": {"entryPoint": "s3://code/c.py", "entryPointArguments": []}})

    def test_a_domain_without_them_is_told_which_key_enables_them(self):
        with self.assertRaisesRegex(PlatformSettingsError, "no EMR Serverless application in stage 'staging' \\(needs.spark.serverless"):
            r.serverless_start_job_run_request(BARE, job="x", entry_point="s3://code/x.py", client_token="t")
        with self.assertRaisesRegex(PlatformSettingsError, "needs.spark.emrOnEks"):
            r.emr_eks_start_job_run_request(BARE, job="x", entry_point="s3://code/x.py", client_token="t")


class FargateTest(unittest.TestCase):
    def test_runs_the_jobs_task_definition_on_the_runner_in_private_subnets(self):
        request = r.ecs_run_task_request(SETTINGS, job="export-daily-orders", command=["python", "-m", "orders.export"], environment={"DATE": "2026-01-01"})
        self.assertEqual(request["cluster"], "dp-dev-orders")
        self.assertEqual(request["taskDefinition"], "dp-dev-orders-export-daily-orders")
        self.assertEqual(request["launchType"], "FARGATE")
        self.assertEqual(request["networkConfiguration"], {"awsvpcConfiguration": {"subnets": ["subnet-0a", "subnet-0b"], "securityGroups": ["sg-0tasks"], "assignPublicIp": "DISABLED"}})
        self.assertEqual(request["overrides"], {"containerOverrides": [{"name": "export-daily-orders", "command": ["python", "-m", "orders.export"], "environment": [{"name": "DATE", "value": "2026-01-01"}]}]})
        self.assertLessEqual(len(request["startedBy"]), 36)

    def test_refuses_a_domain_without_a_runner_and_platform_variables(self):
        with self.assertRaisesRegex(PlatformSettingsError, "no Fargate runner in stage 'staging' \\(needs.fargate.enabled"):
            r.ecs_run_task_request(BARE, job="x")
        with self.assertRaisesRegex(r.RequestError, "DATA_PLATFORM_DOMAIN is set by the platform"):
            r.ecs_run_task_request(SETTINGS, job="x", environment={"DATA_PLATFORM_DOMAIN": "payments"})


if __name__ == "__main__":
    unittest.main()
