#!/usr/bin/env bash
# Runs one reconciler command for the GitHub Action; usable locally (tests/test_action.py).
# In: INPUT_COMMAND, INPUT_PATHS, INPUT_ACCOUNT, INPUT_FORMAT, INPUT_ARGS, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP. Out (GITHUB_OUTPUT): exitcode, changes, markdown.
# Never fails by itself: result.sh decides, after the comment and the issue are written.
set -uo pipefail
command=${INPUT_COMMAND:?command is required}
account=${INPUT_ACCOUNT:-default}
format=${INPUT_FORMAT:-markdown}
out_dir="${RUNNER_TEMP:-$(mktemp -d)}/reconciler-$account"
mkdir -p "$out_dir"
report="$out_dir/$command.md"
errors="$out_dir/$command.err"
read -r -a paths <<< "${INPUT_PATHS:-integrations}"
read -r -a extra <<< "${INPUT_ARGS:-}"

case "$account" in
  *[!A-Za-z0-9._-]*) echo "::error::account '$account': use letters, digits, '.', '_' or '-'"; exit 1 ;;
esac
case "$format" in
  markdown|text|json) ;;
  *) echo "::error::format '$format': use markdown, text or json"; exit 1 ;;
esac

changes=""
case "$command" in
  validate)
    reconciler validate "${paths[@]}" "${extra[@]}" > "$report" 2> "$errors"
    code=$? ;;
  plan)
    reconciler plan "${paths[@]}" --format "$format" --out "$out_dir/plan.json" \
      --detailed-exitcode "${extra[@]}" > "$report" 2> "$errors"
    code=$?
    if [ -s "$out_dir/plan.json" ]; then
      changes=$(python -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["create"]+s["update"])' "$out_dir/plan.json")
    fi ;;
  apply)
    reconciler apply "${paths[@]}" --auto-approve --format "$format" "${extra[@]}" \
      > "$report" 2> "$errors"
    code=$? ;;
  drift)
    reconciler drift "${paths[@]}" --format "$format" "${extra[@]}" > "$report" 2> "$errors"
    code=$? ;;
  *)
    echo "::error::command '$command': use validate, plan, apply or drift"
    exit 1 ;;
esac

cat "$report"
cat "$errors" >&2
if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
  # The failure replaces the report: a stale plan must never stay in a comment.
  {
    echo "### reconciler $command failed (exit $code)"
    echo
    echo '```'
    cat "$errors"
    echo '```'
  } > "$report"
elif [ ! -s "$report" ]; then
  echo "reconciler $command: ok (exit $code)" > "$report"
fi
{
  echo "exitcode=$code"
  echo "changes=$changes"
  echo "markdown=$report"
} >> "${GITHUB_OUTPUT:-/dev/null}"
{
  echo "**reconciler $command, account \`$account\`** (exit $code)"
  echo
  cat "$report"
  echo
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
exit 0
