"""Build-time checks for the notebook images. Any failure fails `docker build`.

    python verify_image.py            # target "notebook"
    python verify_image.py --spark    # target "spark": the notebook checks + the Spark checks

The Spark checks need no network: every jar is baked into the image.
"""

import pathlib
import sys
from importlib.metadata import version


def check_notebook() -> None:
    # 1. Exact versions of what matters for RTC and for the hub (the hub runs JupyterHub 5.5.0).
    expected = {
        "jupyterhub": "5.5.0",
        "jupyterlab": "4.5.8",
        "jupyter-server": "2.19.0",
        "jupyter-collaboration": "4.4.2",
        "jupyter-server-ydoc": "2.4.2",
        "jupyter-collaboration-ui": "2.4.2",
        "jupyter-docprovider": "2.4.2",
    }
    wrong = {name: version(name) for name, want in expected.items() if version(name) != want}
    assert not wrong, f"unexpected versions: {wrong}"

    # 2. The collaboration server extension is enabled in the config the server will read.
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    assert manager.enabled("jupyter_server_ydoc"), "jupyter_server_ydoc is not enabled"

    # 3. It imports (pycrdt and friends are binary wheels) and RTC is on by default.
    from jupyter_server_ydoc.app import YDocExtension

    trait = YDocExtension.class_traits(config=True)["disable_rtc"]
    assert trait.default_value is False, "YDocExtension.disable_rtc does not default to False"

    # 4. The prebuilt JupyterLab extensions are installed.
    labextensions = pathlib.Path(sys.prefix, "share", "jupyter", "labextensions")
    for name in ("@jupyter/collaboration-extension", "@jupyter/docprovider-extension"):
        assert (labextensions / name / "package.json").is_file(), f"{name} is not installed in {labextensions}"

    # 5. The data clients import.
    import boto3  # noqa: F401
    import deltalake  # noqa: F401
    import pyarrow  # noqa: F401
    import trino  # noqa: F401

    print("notebook image checks passed")


# Versions the Spark target must have; README.md says where each comes from.
SPARK = "3.5.2"
PY4J = "0.10.9.7"
DELTA = "3.2.0"
HADOOP = "3.3.4"  # Hadoop client bundled by pyspark 3.5.2 = the hadoop-aws version we add
AWS_SDK_BUNDLE = "1.12.262"
SCALA_BINARY = "2.12"
JAVA_MAJOR = 17


def check_spark() -> None:
    import os
    import re
    import subprocess
    import tempfile

    # 6. Python packages.
    expected = {"pyspark": SPARK, "py4j": PY4J, "delta-spark": DELTA}
    wrong = {name: version(name) for name, want in expected.items() if version(name) != want}
    assert not wrong, f"unexpected versions: {wrong}"

    # 7. pyspark 3.5 still imports distutils in places (removed from Python 3.12's stdlib); the
    #    base image's setuptools provides it through _distutils_hack (distutils-precedence.pth).
    from distutils.version import LooseVersion  # noqa: F401

    # 8. Java 17 on PATH (what Spark's launcher uses when JAVA_HOME is unset).
    out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
    match = re.search(r'version "(\d+)', out)
    assert match and int(match.group(1)) == JAVA_MAJOR, f"java -version: {out!r}"

    # 9. Jars: pyspark's own bundle agrees with the pins, and the added jars are there.
    import pyspark

    assert pyspark.__version__ == SPARK, pyspark.__version__
    jars = pathlib.Path(pyspark.__file__).parent / "jars"
    names = {p.name for p in jars.glob("*.jar")}
    required = {
        f"spark-core_{SCALA_BINARY}-{SPARK}.jar",
        f"py4j-{PY4J}.jar",                      # the py4j pin matches the bundled gateway
        f"hadoop-client-api-{HADOOP}.jar",       # hadoop-aws must be this same Hadoop version
        f"hadoop-client-runtime-{HADOOP}.jar",
        "antlr4-runtime-4.9.3.jar",              # Delta 3.2 is built against it (provided by Spark)
        f"hadoop-aws-{HADOOP}.jar",
        f"aws-java-sdk-bundle-{AWS_SDK_BUNDLE}.jar",
        f"delta-spark_{SCALA_BINARY}-{DELTA}.jar",
        f"delta-storage-{DELTA}.jar",
    }
    missing = sorted(required - names)
    assert not missing, f"missing in {jars}: {missing}"
    assert any(n.startswith(f"scala-library-{SCALA_BINARY}.") for n in names), "pyspark is not built for Scala 2.12"
    other_hadoop_aws = sorted(n for n in names if n.startswith("hadoop-aws-") and n != f"hadoop-aws-{HADOOP}.jar")
    assert not other_hadoop_aws, f"unexpected hadoop-aws jars: {other_hadoop_aws}"

    # 10. A local SparkSession, offline: Delta write/read, a Python UDF, S3A classes, config.
    #     SPARK_DRIVER_MEMORY is how the hub's "spark" profile sizes the driver: check it is honoured.
    os.environ["SPARK_DRIVER_MEMORY"] = "768m"
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # the build container's hostname may not resolve
    from delta import DeltaTable
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import udf

    workdir = tempfile.mkdtemp(prefix="spark-verify-")
    previous_cwd = os.getcwd()
    os.chdir(workdir)  # anything Spark writes relative to the cwd lands here and is removed
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("verify_image")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        jvm = spark.sparkContext._jvm
        assert spark.version == SPARK, spark.version
        hadoop = jvm.org.apache.hadoop.util.VersionInfo.getVersion()
        assert hadoop == HADOOP, f"Spark runs Hadoop {hadoop}, hadoop-aws is {HADOOP}"
        java = jvm.java.lang.System.getProperty("java.specification.version")
        assert java == str(JAVA_MAJOR), f"JVM is Java {java}"
        max_heap = jvm.java.lang.Runtime.getRuntime().maxMemory()
        assert 512 * 2**20 < max_heap <= 768 * 2**20, f"SPARK_DRIVER_MEMORY not applied: max heap {max_heap}"

        for cls in (
            "org.apache.hadoop.fs.s3a.S3AFileSystem",
            "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
            "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
            "io.delta.sql.DeltaSparkSessionExtension",
        ):
            jvm.java.lang.Class.forName(cls)

        conf = spark.sparkContext.getConf()
        assert conf.get("spark.sql.extensions") == "io.delta.sql.DeltaSparkSessionExtension"
        assert conf.get("spark.sql.catalog.spark_catalog") == "org.apache.spark.sql.delta.catalog.DeltaCatalog"
        hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
        assert hadoop_conf.get("fs.s3.impl") == "org.apache.hadoop.fs.s3a.S3AFileSystem"
        assert hadoop_conf.get("fs.s3a.aws.credentials.provider") == "com.amazonaws.auth.DefaultAWSCredentialsProviderChain"

        path = os.path.join(workdir, "delta-table")
        spark.range(10).write.format("delta").save(path)
        spark.range(10, 15).write.format("delta").mode("append").save(path)
        assert spark.read.format("delta").load(path).count() == 15
        assert DeltaTable.forPath(spark, path).history().count() == 2

        plus_one = udf(lambda x: x + 1, "long")  # a Python worker on this Python (3.12)
        assert spark.range(3).select(plus_one("id").alias("v")).agg({"v": "sum"}).first()[0] == 6
    finally:
        spark.stop()
        os.chdir(previous_cwd)
    subprocess.run(["rm", "-rf", workdir], check=True)

    print(f"spark image checks passed: Spark {SPARK}, Hadoop {HADOOP}, Delta {DELTA}, Java {JAVA_MAJOR}")


if __name__ == "__main__":
    check_notebook()
    if "--spark" in sys.argv[1:]:
        check_spark()
