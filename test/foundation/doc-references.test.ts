// Every document a code comment cites is in this repo: a cited notes file with a section number
// names a file that exists here and a section it has, and no comment sends the reader outside the
// checkout (a sibling shared folder, an absolute path). Facts the code relies on are copied into
// the repo's docs folder (docs/style.md, docs/stripe-api-notes.md).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'
import { expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** The text of every comment in a TypeScript or JavaScript file, with its line. */
function commentsOf(file: string, text: string): { line: number; text: string }[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind)
  const seen = new Set<number>()
  const out: { line: number; text: string }[] = []
  const take = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue
      seen.add(r.pos)
      const line = source.getLineAndCharacterOfPosition(r.pos).line + 1
      out.push({ line, text: text.slice(r.pos, r.end) })
    }
  }
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(text, node.getFullStart()))
    take(ts.getTrailingCommentRanges(text, node.getEnd()))
    node.forEachChild(visit)
  }
  visit(source)
  take(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()))
  return out
}

// A path into a docs folder (relative to the file or the repo root), anything under a sibling
// `shared` checkout, or an absolute path on the machine that wrote the comment. A glob
// (`docs/images/preview-*.png`) stands for files the code writes, not a reference.
const REFERENCE =
  /(?<![\w@/.-])((?:\.\.?\/)*(?:[\w.-]+\/)*docs\/[\w./-]*[\w-]|(?:\.\.\/)+shared\/[\w./-]*[\w-]|\/(?:work|home|Users)\/[\w./-]*[\w-])(?![\w/*-]|\.[\w*])(?:`?\)?\s*(§\s*\d+))?/g

/** What is wrong with the document references in the comments of `file` (repo-relative). */
function referenceProblems(file: string, text: string): string[] {
  const problems: string[] = []
  const dir = dirname(join(root, file))
  for (const comment of commentsOf(file, text)) {
    for (const m of comment.text.matchAll(REFERENCE)) {
      const ref = m[1]!
      const section = m[2]
      const where = `${file}:${comment.line} ${ref}${section ? ` ${section}` : ''}`
      if (ref.startsWith('/')) {
        problems.push(`${where}: an absolute path outside the repo`)
        continue
      }
      const target = [resolve(dir, ref), resolve(root, ref)].find(
        (p) => (p === root || p.startsWith(root + sep)) && existsSync(p)
      )
      if (!target) {
        problems.push(`${where}: not in the repo (copy what the code relies on into docs/)`)
        continue
      }
      if (section) {
        const n = section.replace(/\D/g, '')
        const headings = readFileSync(target, 'utf8').match(/^#{1,4} *(\d+)\./gm) ?? []
        if (!headings.some((h) => h.replace(/\D/g, '') === n)) {
          problems.push(`${where}: ${relative(root, target)} has no section ${n}`)
        }
      }
    }
  }
  return problems
}

function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(f) && existsSync(join(root, f)))
}

// Built at run time, so no machine path stands in the repo's own source.
const plantedMachinePath = ['', 'work', 'shared', 'docs', 'stripe-api-notes.md'].join('/')

test('every document a code comment cites resolves inside the repo', () => {
  const files = sourceFiles()
  expect(files.length).toBeGreaterThan(100)
  let cited = 0
  const problems: string[] = []
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    problems.push(...referenceProblems(file, text))
    cited += commentsOf(file, text).filter((c) => /docs\//.test(c.text)).length
  }
  expect(problems).toEqual([])
  expect(cited, 'comments citing docs/ were found at all').toBeGreaterThan(3)
})

test('the scan catches a missing document, a missing section and a path outside the repo', () => {
  const planted = [
    '// facts from docs/stripe-api-notes.md §4 and docs/style.md',
    '// see docs/no-such-notes.md §2',
    '/** as in docs/stripe-api-notes.md §42 */',
    '// the guide at ../shared/docs/style.md',
    `// copied from ${plantedMachinePath}`,
    "const url = 'docs/no-such-file.md' // a string, not a comment: not checked",
    '// at the end of a sentence: docs/gone.md. A glob: docs/images/shot-*.png',
  ].join('\n')
  expect(referenceProblems('backend/src/planted.ts', planted)).toEqual([
    'backend/src/planted.ts:2 docs/no-such-notes.md §2: not in the repo (copy what the code relies on into docs/)',
    'backend/src/planted.ts:3 docs/stripe-api-notes.md §42: docs/stripe-api-notes.md has no section 42',
    'backend/src/planted.ts:4 ../shared/docs/style.md: not in the repo (copy what the code relies on into docs/)',
    `backend/src/planted.ts:5 ${plantedMachinePath}: an absolute path outside the repo`,
    'backend/src/planted.ts:7 docs/gone.md: not in the repo (copy what the code relies on into docs/)',
  ])
})
