// The Action's GitHub side: one sticky plan comment per account, one drift issue per account.
// Called from actions/github-script; reads ACCOUNT, MARKDOWN and EXITCODE from the environment.
const fs = require('fs');

const LIMIT = 60000; // GitHub refuses bodies over 65,536 characters

function body(marker, title) {
  let text = fs.readFileSync(process.env.MARKDOWN, 'utf8');
  if (text.length > LIMIT) text = text.slice(0, LIMIT) + '\n\n(cut: see the job summary)';
  return `${marker}\n**${title}**\n\n${text}`;
}

async function stickyComment({ github, context }) {
  const account = process.env.ACCOUNT;
  const marker = `<!-- reconciler-plan:${account} -->`;
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const text = body(marker, `reconciler plan, account \`${account}\``);
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner, repo, issue_number, per_page: 100,
  });
  const previous = comments.find(
    (c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker),
  );
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body: text });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body: text });
  }
}

async function driftIssue({ github, context }) {
  const account = process.env.ACCOUNT;
  const code = process.env.EXITCODE;
  const marker = `<!-- reconciler-drift:${account} -->`;
  const title = `Integration drift: account ${account}`;
  const { owner, repo } = context.repo;
  const issues = await github.paginate(github.rest.issues.listForRepo, {
    owner, repo, state: 'open', labels: 'reconciler-drift', per_page: 100,
  });
  const open = issues.find((i) => (i.body ?? '').startsWith(marker));
  if (code === '0') {
    if (open) {
      await github.rest.issues.createComment({
        owner, repo, issue_number: open.number, body: 'No drift any more; closing.',
      });
      await github.rest.issues.update({ owner, repo, issue_number: open.number, state: 'closed' });
    }
    return;
  }
  const text = body(marker, `reconciler drift, account \`${account}\` (exit ${code})`);
  if (open) {
    await github.rest.issues.update({ owner, repo, issue_number: open.number, body: text });
  } else {
    await github.rest.issues.create({ owner, repo, title, body: text, labels: ['reconciler-drift'] });
  }
}

module.exports = { stickyComment, driftIssue };
