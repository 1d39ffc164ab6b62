// Who entered and who left a segment between two evaluations (for segment_transitions).

export type MembershipChange = { entered: string[]; left: string[] }

export function diffMembership(
  previous: Iterable<string>,
  next: Iterable<string>
): MembershipChange {
  const before = new Set(previous)
  const after = new Set(next)
  return {
    entered: [...after].filter((id) => !before.has(id)).sort(),
    left: [...before].filter((id) => !after.has(id)).sort(),
  }
}
