"""Download the jars listed in spark-jars.txt from Maven Central into a directory (build time only).

    python fetch_spark_jars.py spark-jars.txt <pyspark>/jars

Each jar is checked against Maven Central's own .sha1 for that file (guards against a truncated or
corrupted download, not against a compromised repository) and, when spark-jars.txt pins one,
against the pinned sha256. With REQUIRE_PINNED_JAR_SHA256=1 an unpinned jar fails the build.
The sha256 of every jar is printed in spark-jars.txt's format, ready to be pinned.
Standard library only: the image has no curl/wget.
"""

import hashlib
import http.client
import os
import pathlib
import sys
import time
import urllib.request

# Maven Central; MAVEN_REPOSITORY_URL can point at a mirror/proxy of it (same layout, same .sha1 files).
CENTRAL = os.environ.get("MAVEN_REPOSITORY_URL", "https://repo1.maven.org/maven2").rstrip("/")


def read_list(path: pathlib.Path) -> list[tuple[str, str, str, str]]:
    entries = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        coordinate, sha256 = line.split()
        group, artifact, version = coordinate.split(":")
        entries.append((group, artifact, version, sha256.lower()))
    return entries


def fetch(url: str) -> bytes:
    last_error = None
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.read()
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, truncated bodies (IncompleteRead)
            last_error = error
            time.sleep(2 * (attempt + 1))
    raise SystemExit(f"download failed: {url}: {last_error}")


def main() -> None:
    list_file, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    require_pin = os.environ.get("REQUIRE_PINNED_JAR_SHA256", "0") == "1"
    if not target.is_dir():
        raise SystemExit(f"target directory does not exist: {target}")

    pins = []
    for group, artifact, version, pinned in read_list(list_file):
        name = f"{artifact}-{version}.jar"
        url = f"{CENTRAL}/{group.replace('.', '/')}/{artifact}/{version}/{name}"
        data = fetch(url)

        expected_sha1 = fetch(url + ".sha1").decode().split()[0].strip().lower()
        actual_sha1 = hashlib.sha1(data).hexdigest()
        if actual_sha1 != expected_sha1:
            raise SystemExit(f"{name}: sha1 {actual_sha1} != Maven Central's {expected_sha1}")

        actual_sha256 = hashlib.sha256(data).hexdigest()
        if pinned != "-":
            if actual_sha256 != pinned:
                raise SystemExit(f"{name}: sha256 {actual_sha256} != pinned {pinned}")
        elif require_pin:
            raise SystemExit(f"{name}: no sha256 pinned in {list_file} and REQUIRE_PINNED_JAR_SHA256=1")

        destination = target / name
        if destination.exists():
            raise SystemExit(f"{destination} already exists (pyspark bundles it?): refusing to overwrite")
        destination.write_bytes(data)
        destination.chmod(0o644)
        pins.append(f"{group}:{artifact}:{version}  {actual_sha256}")
        print(f"added {destination} ({len(data)} bytes, sha1 ok, sha256 {'pinned' if pinned != '-' else 'NOT pinned'})")

    print("sha256 of the added jars (spark-jars.txt format):")
    print("\n".join(pins))


if __name__ == "__main__":
    main()
