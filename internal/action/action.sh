#!/usr/bin/env bash
# The steps of the imcsync GitHub Action (action.yml), kept here so that tests can run them.
#
#   internal/action/action.sh install   puts an imcsync binary on GITHUB_PATH
#   internal/action/action.sh run       runs one imcsync command, writes the job summary and outputs
#
# install reads:
#   IMCSYNC_VERSION      a release tag (v1.2.3), a major or minor tag (v1, v1.2: the newest
#                        release it covers), or a branch or commit; default IMCSYNC_ACTION_REF
#   IMCSYNC_ACTION_REF, IMCSYNC_ACTION_REPOSITORY   the action's own ref and repository
#   GITHUB_ACTION_PATH   the action's checkout, built with `go build` when no release matches
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT (set by the runner)
#   GH_TOKEN             optional, for the releases API
#   IMCSYNC_RELEASES_URL default $GITHUB_SERVER_URL/REPOSITORY/releases/download
#   IMCSYNC_API_URL      default $GITHUB_API_URL
# A release is used only if its checksums.txt lists the archive with the same SHA-256. With
# cosign on PATH, checksums.txt must also verify against the release's Sigstore bundle
# (checksums.txt.sigstore.json), signed by REPOSITORY's release workflow at the tag; without
# cosign the log says that only the checksums were checked.
#
# run reads IMCSYNC_COMMAND (plan|apply|drift|validate), IMCSYNC_FILE, IMCSYNC_ARGS (split
# as a shell splits words, see split_args), IMCSYNC_PLAN_FILE (apply: a saved plan),
# IMCSYNC_POLICY (policy files, split on white space: --policy for validate, plan and apply
# without a saved plan, which was checked when it was planned) and IMCSYNC_BIN (default:
# imcsync on PATH). It appends the markdown to GITHUB_STEP_SUMMARY and writes the outputs exit-code,
# plan-file, has-changes and report (a file with the markdown written to the summary, for a
# pull-request comment) to GITHUB_OUTPUT. It fails the step on exit status 1 (or any
# status but 0 and, for plan and drift, 2).
set -euo pipefail

main() {
	case "${1:-}" in
	install) install ;;
	run) run ;;
	*)
		echo "usage: $0 install|run" >&2
		exit 64
		;;
	esac
}

install() {
	local version="${IMCSYNC_VERSION:-${IMCSYNC_ACTION_REF:-}}"
	local repo="${IMCSYNC_ACTION_REPOSITORY:-imcsync/imcsync}"
	local bindir="$RUNNER_TEMP/imcsync/bin"
	mkdir -p "$bindir"

	if [[ $version =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
		local resolved
		resolved=$(newest_release "$repo" "$version")
		if [[ -n $resolved ]]; then
			echo "imcsync $version: newest release is $resolved"
			version=$resolved
		fi
	fi

	local exe=imcsync
	[[ ${RUNNER_OS:-} == Windows ]] && exe=imcsync.exe
	if [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]] && download_release "$repo" "$version" "$bindir"; then
		:
	else
		build_from_checkout "$version" "$bindir/$exe"
	fi
	echo "$bindir" >>"$GITHUB_PATH"
	echo "bin=$bindir/$exe" >>"$GITHUB_OUTPUT"
	"$bindir/$exe" version
}

# newest_release prints the newest non-draft, non-prerelease tag that starts with PREFIX.
# (v1 covers v1.x.y, v1.2 covers v1.2.y); nothing when there is none or the API fails.
newest_release() {
	local repo=$1 prefix=$2
	local api="${IMCSYNC_API_URL:-${GITHUB_API_URL:-https://api.github.com}}"
	local auth=()
	[[ -n ${GH_TOKEN:-} ]] && auth=(-H "Authorization: Bearer $GH_TOKEN")
	curl -fsSL --retry 3 ${auth[@]+"${auth[@]}"} "$api/repos/$repo/releases?per_page=100" 2>/dev/null |
		jq -r --arg p "$prefix." '[.[] | select(.draft | not) | select(.prerelease | not)
			| select(.tag_name | startswith($p))][0].tag_name // empty' 2>/dev/null || true
}

# download_release fetches the archive of TAG for this runner and its checksums, verifies
# the archive and unpacks the binary into DIR. It returns 1 when the release has no such
# archive (so that the caller builds instead) and exits on any other failure.
download_release() {
	local repo=$1 tag=$2 dir=$3
	local base="${IMCSYNC_RELEASES_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}/$tag"
	local os arch ext=tar.gz
	case "${RUNNER_OS:-Linux}" in
	Linux) os=linux ;;
	macOS) os=darwin ;;
	Windows) os=windows ext=zip ;;
	*) fail "unsupported runner OS ${RUNNER_OS}" ;;
	esac
	case "${RUNNER_ARCH:-X64}" in
	X64) arch=amd64 ;;
	ARM64) arch=arm64 ;;
	*) fail "unsupported runner architecture ${RUNNER_ARCH}" ;;
	esac
	local archive="imcsync_${tag#v}_${os}_${arch}.$ext"
	local tmp="$RUNNER_TEMP/imcsync/download"
	rm -rf "$tmp" && mkdir -p "$tmp"

	local code
	code=$(fetch "$base/checksums.txt" "$tmp/checksums.txt")
	if [[ $code == 404 ]]; then
		echo "imcsync $tag: no release found, building from the action's source"
		return 1
	fi
	[[ $code == 200 ]] || fail "downloading $base/checksums.txt: HTTP $code"
	verify_signature "$repo" "$tag" "$base" "$tmp"
	code=$(fetch "$base/$archive" "$tmp/$archive")
	if [[ $code == 404 ]]; then
		echo "imcsync $tag: the release has no $archive, building from the action's source"
		return 1
	fi
	[[ $code == 200 ]] || fail "downloading $base/$archive: HTTP $code"

	local want got
	want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/checksums.txt")
	[[ -n $want ]] || fail "checksums.txt of $tag does not list $archive"
	got=$(sha256 "$tmp/$archive")
	[[ $got == "$want" ]] || fail "checksum mismatch for $archive: got $got, checksums.txt says $want"
	echo "imcsync $tag: $archive, SHA-256 $got verified"

	if [[ $ext == zip ]]; then
		unzip -q -o "$tmp/$archive" -d "$tmp/unpacked"
	else
		mkdir -p "$tmp/unpacked" && tar -xzf "$tmp/$archive" -C "$tmp/unpacked"
	fi
	local exe=imcsync
	[[ $os == windows ]] && exe=imcsync.exe
	[[ -f $tmp/unpacked/$exe ]] || fail "$archive has no $exe"
	mv "$tmp/unpacked/$exe" "$dir/$exe"
	chmod +x "$dir/$exe"
}

# The OIDC issuer of GitHub Actions, which signs imcsync's releases (keyless, Sigstore).
readonly GITHUB_OIDC_ISSUER=https://token.actions.githubusercontent.com

# verify_signature checks DIR/checksums.txt of TAG against the release's Sigstore bundle with
# cosign: the certificate must have been issued by GitHub Actions' OIDC to the workflow
# .github/workflows/release.yml of REPO running for refs/tags/TAG (the owner and name in any
# case, as GitHub treats them). A signature that does not verify fails the step. Without
# cosign, or for a release published before releases were signed, it says that only the
# checksums are checked.
verify_signature() {
	local repo=$1 tag=$2 base=$3 dir=$4
	if ! command -v cosign >/dev/null; then
		echo "imcsync $tag: cosign is not on PATH, so the signature of checksums.txt was not verified: only the SHA-256 against checksums.txt is checked, which does not prove who built the release (add sigstore/cosign-installer before this action to verify it)"
		return 0
	fi
	local bundle=checksums.txt.sigstore.json code
	code=$(fetch "$base/$bundle" "$dir/$bundle")
	if [[ $code == 404 ]]; then
		echo "::warning::imcsync $tag: the release has no $bundle (it was published before releases were signed): only the SHA-256 against checksums.txt is checked, which does not prove who built the release"
		return 0
	fi
	[[ $code == 200 ]] || fail "downloading $base/$bundle: HTTP $code"
	local identity
	identity="^https://github\\.com/(?i:$(regexp_quote "$repo"))/\\.github/workflows/release\\.yml@refs/tags/$(regexp_quote "$tag")\$"
	if ! cosign verify-blob --bundle "$dir/$bundle" \
		--certificate-identity-regexp "$identity" \
		--certificate-oidc-issuer "$GITHUB_OIDC_ISSUER" \
		"$dir/checksums.txt" >"$dir/cosign.log" 2>&1; then
		sed 's/^/cosign: /' "$dir/cosign.log" >&2
		fail "the signature of checksums.txt of imcsync $tag does not verify (cosign verify-blob, identity $identity, issuer $GITHUB_OIDC_ISSUER): the release may have been tampered with; nothing was installed"
	fi
	echo "imcsync $tag: checksums.txt signature verified with cosign ($bundle: $repo's release workflow at refs/tags/$tag, issuer $GITHUB_OIDC_ISSUER)"
}

# regexp_quote prints S with the characters special in a regular expression escaped.
regexp_quote() {
	printf '%s' "$1" | sed -e 's/[][\\.^$*+?(){}|]/\\&/g'
}

# fetch downloads URL to FILE and prints the HTTP status (000 when there was no answer).
fetch() {
	local auth=()
	[[ -n ${GH_TOKEN:-} && $1 == "${GITHUB_SERVER_URL:-https://github.com}"/* ]] && auth=(-H "Authorization: Bearer $GH_TOKEN")
	curl -sSL --retry 3 ${auth[@]+"${auth[@]}"} -o "$2" -w '%{http_code}' "$1" || true
}

sha256() {
	if command -v sha256sum >/dev/null; then
		sha256sum "$1" | awk '{ print $1 }'
	else
		shasum -a 256 "$1" | awk '{ print $1 }'
	fi
}

# build_from_checkout builds the action's own source (a branch, a commit, or a tag whose
# release is not published yet) into OUT.
build_from_checkout() {
	local version=$1 out=$2
	go version >/dev/null 2>&1 || fail "no release of imcsync matches \"$version\" and there is no Go toolchain to build it: use a released version or add actions/setup-go before this action"
	local src="${GITHUB_ACTION_PATH:?}"
	local ldflags=""
	[[ $version =~ ^v[0-9] ]] && ldflags="-X github.com/imcsync/imcsync/internal/version.Version=$version"
	echo "imcsync ${version:-(no ref)}: building from $src"
	(cd "$src" && go build -ldflags "$ldflags" -o "$out" .)
}

run() {
	local command="${IMCSYNC_COMMAND:-plan}" file="${IMCSYNC_FILE:-imagecaches.yaml}"
	local bin="${IMCSYNC_BIN:-imcsync}"
	local policies=() policy_args=()
	read -r -d '' -a policies <<<"${IMCSYNC_POLICY:-}" || true
	for p in ${policies[@]+"${policies[@]}"}; do
		policy_args+=(--policy "$p")
	done
	local dir="$RUNNER_TEMP/imcsync"
	mkdir -p "$dir"
	local extra=()
	split_args "$bin" "${IMCSYNC_ARGS:-}" "$dir/args"
	local slug
	slug=$(printf '%s' "$file" | tr -c 'A-Za-z0-9._-' '-')
	local md="$dir/$command-$slug.md" errlog="$dir/$command-$slug.stderr" plan_file=""
	local args
	case "$command" in
	plan)
		plan_file="$dir/plan-$slug.json"
		rm -f "$plan_file" # a failed plan must not leave an older plan behind
		# A little under GitHub's comment limit, for the line the summary adds.
		args=(plan -f "$file" -o markdown --out "$plan_file" --max-chars 65000 ${policy_args[@]+"${policy_args[@]}"})
		;;
	apply)
		if [[ -n ${IMCSYNC_PLAN_FILE:-} ]]; then
			plan_file=$IMCSYNC_PLAN_FILE
			args=(apply "$plan_file" --auto-approve -o markdown --max-chars 65000)
		else
			args=(apply -f "$file" --auto-approve -o markdown --max-chars 65000 ${policy_args[@]+"${policy_args[@]}"})
		fi
		;;
	drift) args=(drift -f "$file" -o markdown) ;;
	validate) args=(validate -f "$file" ${policy_args[@]+"${policy_args[@]}"}) ;;
	*) fail "command \"$command\": want plan, apply, drift or validate" ;;
	esac

	# stdout (the report) goes to a file, stderr (progress, errors, annotations) to the
	# log and to a file for the summary.
	local status
	set +e
	{ "$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} 2>&1 1>&3 3>&- | tee "$errlog" >&2; } 3>"$md"
	status=${PIPESTATUS[0]}
	set -e
	cat "$md"

	local has_changes=false
	case "$command" in
	plan | drift) [[ $status == 2 ]] && has_changes=true ;;
	apply) grep -Eq '^\*\*Apply (complete|incomplete):\*\* (.*, )?[1-9][0-9]* (created|updated|deleted|replaced)' "$md" && has_changes=true ;;
	esac
	if [[ $command == plan && ! -s $plan_file ]]; then
		plan_file=""
	fi
	local report="$dir/$command-$slug.summary.md"
	summary "$command" "$file" "$status" "$md" "$errlog" >"$report"
	cat "$report" >>"$GITHUB_STEP_SUMMARY"
	{
		echo "exit-code=$status"
		echo "plan-file=$plan_file"
		echo "has-changes=$has_changes"
		echo "report=$report"
	} >>"$GITHUB_OUTPUT"

	case "$status" in
	0) ;;
	2) [[ $command == plan || $command == drift ]] || exit "$status" ;;
	*) exit "$status" ;;
	esac
}

# split_args sets extra to the words of ARGS, split as a shell splits them: quotes,
# backslashes, several lines (`args: |`) and # comments, nothing expanded. imcsync's
# hidden split-args command does it; an imcsync too old to have it gets ARGS split on
# white space, with a warning when that would differ.
split_args() {
	local bin=$1 text=$2 out=$3
	[[ -n ${text//[[:space:]]/} ]] || return 0
	if printf '%s' "$text" | "$bin" split-args >"$out" 2>"$out.err"; then
		local word
		while IFS= read -r -d '' word; do
			extra+=("$word")
		done <"$out"
		return 0
	fi
	if ! grep -q 'unknown command "split-args"' "$out.err"; then
		fail "$(cat "$out.err")"
	fi
	[[ $text == *[\\\'\"#]* ]] &&
		echo "::warning::this imcsync cannot split args as a shell does; they are split on white space, quotes and backslashes taken as they are: use a newer imcsync (the version input)" >&2
	local line
	while IFS= read -r line; do
		local words=()
		read -r -a words <<<"$line"
		extra+=(${words[@]+"${words[@]}"})
	done <<<"$text"
}

# summary prints the markdown for the job summary: the report, or what went wrong.
summary() {
	local command=$1 file=$2 status=$3 md=$4 errlog=$5
	if [[ $command == validate ]]; then
		if [[ $status == 0 ]]; then
			echo "### imcsync validate"
			echo
			echo ":white_check_mark: $(cat "$md")"
			echo
			return
		fi
	elif [[ -s $md ]]; then
		cat "$md"
		echo
	fi
	if [[ $status != 0 && $status != 2 ]] || [[ $command == validate ]]; then
		echo "### imcsync $command failed: \`$file\` (exit status $status)"
		echo
		echo '```'
		# Annotations read back as FILE:LINE:COL: MESSAGE.
		sed -E -e 's/^::error file=([^,]*),line=([0-9]+),col=([0-9]+)::/\1:\2:\3: /' \
			-e 's/^::warning file=([^,]*),line=([0-9]+),col=([0-9]+)::/\1:\2:\3: warning: /' "$errlog" | tail -n 50
		echo '```'
		echo
	fi
}

fail() {
	echo "::error::$*" >&2
	exit 1
}

main "$@"
