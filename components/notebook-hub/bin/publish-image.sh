#!/usr/bin/env bash
# Builds and publishes the platform's single-user notebook image (components/notebook-hub/image) to a stage's
# ECR repository, under the tag the NotebookHub component gives the hub (notebookImageTag(): `sha-<16 hex>`,
# a hash of the image directory's non-.md files). The repository is IMMUTABLE, so every tag is pushed once and
# this script never overwrites one: it does nothing when the tag it would push is already there.
#
# Usage: publish-image.sh [--if-repository-exists] <repository-url> <amd64|arm64|manifest>
#
#   <repository-url>  <account>.dkr.ecr.<region>.amazonaws.com/<prefix>-<stage>/notebooks/singleuser
#   amd64 | arm64     build the image natively on this host (whose Docker daemon must be of that
#                     architecture) and push <tag>-<arch>, unless it exists
#   manifest          push the multi-arch image <tag> (linux/amd64 + linux/arm64) made of <tag>-amd64 and
#                     <tag>-arm64 (both must exist), unless <tag> exists
#   --if-repository-exists
#                     when the repository does not exist (the stage has no notebooks, or its hub uses its
#                     own image), print a notice and exit 0 instead of failing
#
# Needs node (and a build of @data-platform/notebook-hub: `npx nx run @data-platform/notebook-hub:build`),
# the AWS CLI with credentials for the repository's account, and Docker (with buildx for `manifest`).
# The ECR password goes from `aws ecr get-login-password` straight into `docker login --password-stdin`;
# nothing secret is printed.
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
image_dir="$(cd -- "$script_dir/../image" && pwd)"
arches=(amd64 arm64)

usage() {
  echo "usage: $(basename -- "$0") [--if-repository-exists] <repository-url> <amd64|arm64|manifest>" >&2
  exit 2
}

die() {
  echo "publish-image: $*" >&2
  exit 1
}

notice() {
  if [[ "${GITHUB_ACTIONS:-}" == "true" ]]; then
    echo "::notice title=notebook image::$*"
  else
    echo "$*"
  fi
}

if_repository_exists=false
positional=()
while (($# > 0)); do
  case "$1" in
    --if-repository-exists) if_repository_exists=true ;;
    -h | --help) usage ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "publish-image: unknown option $1" >&2; usage ;;
    *) positional+=("$1") ;;
  esac
  shift
done
((${#positional[@]} == 2)) || usage
repository_url="${positional[0]}"
target="${positional[1]}"
case "$target" in
  amd64 | arm64 | manifest) ;;
  *) echo "publish-image: the second argument must be amd64, arm64 or manifest, not \"$target\"" >&2; usage ;;
esac

# <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<name>
url_pattern='^(([0-9]{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?)/([a-z0-9][a-z0-9._/-]*)$'
[[ "$repository_url" =~ $url_pattern ]] || die "\"$repository_url\" is not an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)"
registry="${BASH_REMATCH[1]}"
account="${BASH_REMATCH[2]}"
region="${BASH_REMATCH[4]}"
repository_name="${BASH_REMATCH[6]}"

for tool in node aws docker; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

tag="$(node "$script_dir/image-tag.mjs")" || die "cannot compute the image tag: build the component first (npx nx run @data-platform/notebook-hub:build)"
[[ "$tag" =~ ^sha-[0-9a-f]{16}$ ]] || die "image-tag.mjs printed \"$tag\", not a sha-<16 hex> tag"

# Succeeds when the repository exists; exits (0 or 1) when it does not; fails on any other error.
check_repository() {
  local output
  if output="$(aws ecr describe-repositories --region "$region" --registry-id "$account" \
    --repository-names "$repository_name" --query 'repositories[0].repositoryUri' --output text 2>&1)"; then
    return 0
  fi
  if [[ "$output" == *RepositoryNotFoundException* ]]; then
    if [[ "$if_repository_exists" == "true" ]]; then
      notice "ECR repository $repository_name does not exist in $region: nothing to publish (this stage does not run the platform notebook image)"
      exit 0
    fi
    die "ECR repository $repository_name does not exist in $region (deploy the stage first, or pass --if-repository-exists)"
  fi
  echo "$output" >&2
  die "cannot describe the ECR repository $repository_name"
}

# Whether <repository>:<tag> exists; exits on any error other than "not found".
image_exists() {
  local image_tag="$1" output
  if output="$(aws ecr describe-images --region "$region" --registry-id "$account" \
    --repository-name "$repository_name" --image-ids "imageTag=$image_tag" \
    --query 'imageDetails[0].imageDigest' --output text 2>&1)"; then
    return 0
  fi
  if [[ "$output" == *ImageNotFoundException* ]]; then
    return 1
  fi
  echo "$output" >&2
  die "cannot describe the image $repository_name:$image_tag"
}

logged_in=false
cleanup() {
  if [[ "$logged_in" == "true" ]]; then
    docker logout "$registry" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

ecr_login() {
  aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
  logged_in=true
}

check_repository

if [[ "$target" == "manifest" ]]; then
  if image_exists "$tag"; then
    echo "$repository_url:$tag already exists (the repository is immutable): nothing to do"
    exit 0
  fi
  sources=()
  for arch in "${arches[@]}"; do
    image_exists "$tag-$arch" || die "$repository_url:$tag-$arch does not exist: publish every architecture (${arches[*]}) before the manifest"
    sources+=("$repository_url:$tag-$arch")
  done
  docker buildx version >/dev/null 2>&1 || die "docker buildx is not installed (needed for the multi-arch manifest)"
  ecr_login
  echo "Creating $repository_url:$tag from ${sources[*]}"
  docker buildx imagetools create --tag "$repository_url:$tag" "${sources[@]}"
  docker buildx imagetools inspect "$repository_url:$tag"
  exit 0
fi

arch="$target"
image="$repository_url:$tag-$arch"
if image_exists "$tag-$arch"; then
  echo "$image already exists (the repository is immutable): nothing to do"
  exit 0
fi

# Native builds only: no emulation, so the host's Docker daemon must be of the requested architecture.
host_arch="$(docker version --format '{{.Server.Arch}}')"
[[ "$host_arch" == "$arch" ]] || die "this host's Docker daemon is $host_arch, not $arch: build $arch on a $arch runner"

labels=(--label "org.opencontainers.image.version=$tag")
if [[ -n "${GITHUB_SHA:-}" ]]; then
  labels+=(--label "org.opencontainers.image.revision=$GITHUB_SHA")
fi

echo "Building $image (linux/$arch) from $image_dir"
docker build --pull --platform "linux/$arch" "${labels[@]}" --tag "$image" "$image_dir"
ecr_login
if docker push "$image"; then
  echo "Pushed $image"
else
  # A concurrent publisher may have pushed the same tag first (immutable repository): that is success.
  image_exists "$tag-$arch" || die "pushing $image failed"
  echo "$image was pushed concurrently by another publisher: keeping that one"
fi
