import unittest

from data_platform.settings import PlatformSettings, PlatformSettingsError
from tests.fixtures import BARE, OPTIONS, SETTINGS


class SettingsTest(unittest.TestCase):
    def test_reads_every_option_and_splits_lists(self):
        self.assertEqual(SETTINGS.ecs_subnets, ("subnet-0a", "subnet-0b"))
        self.assertEqual(SETTINGS.ecs_security_groups, ("sg-0tasks",))
        self.assertEqual(SETTINGS.database("analytics"), "orders_analytics")
        self.assertEqual(SETTINGS.resource_name_prefix, "dp-dev-orders")

    def test_names_the_importer_job_definitions_as_the_importer_does(self):
        self.assertEqual(SETTINGS.import_job_parameter("orders-db"), "/dp/dev/importer/orders-db/job")
        self.assertEqual(SETTINGS.import_job_parameter("orders-service", events=True), "/dp/dev/importer/events/orders-service/job")

    def test_refuses_an_environment_that_is_not_the_platforms(self):
        with self.assertRaisesRegex(PlatformSettingsError, "data_platform.prefix, data_platform.domain"):
            PlatformSettings.from_options({"stage": "dev"})

    def test_a_missing_runner_names_the_registry_key(self):
        with self.assertRaisesRegex(PlatformSettingsError, r"domain 'restaurants' has no raw zone in stage 'staging' \(needs.zones in stacks/platform/domains/restaurants.yaml\)"):
            BARE.database("raw")
        with self.assertRaisesRegex(PlatformSettingsError, "zone must be"):
            SETTINGS.database("landing")

    def test_ignores_unknown_options(self):
        self.assertEqual(PlatformSettings.from_options({**OPTIONS, "future_option": "x"}).domain, "orders")


if __name__ == "__main__":
    unittest.main()
