#!/usr/bin/env bash
# The Action's last step: its exit code. Plan and drift exit 2 for changes, which fails the
# step only with fail-on-changes; every other non-zero code fails it.
set -u
code=${EXITCODE:-1}
case "$code" in
  0) exit 0 ;;
  2)
    if [ "${FAIL_ON_CHANGES:-false}" = "true" ] || { [ "$COMMAND" != plan ] && [ "$COMMAND" != drift ]; }; then
      echo "::error::reconciler $COMMAND found changes (exit 2)"
      exit 2
    fi
    exit 0 ;;
  *)
    echo "::error::reconciler $COMMAND failed (exit $code); see the step 'reconciler $COMMAND'"
    exit "$code" ;;
esac
