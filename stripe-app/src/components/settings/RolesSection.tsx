// Roles (administrators only): what each Dashboard role may do in Holdfast for this account and
// mode. Defaults are safe (View only and Analyst read only); a saved choice overrides the default
// for that role, and "Use default" removes the override.
import { useState } from 'react'
import { Banner, Box, Button, Checkbox, Inline, Select } from '@stripe/ui-extension-sdk/ui'
import {
  PERMISSION_LABELS,
  PERMISSIONS,
  RolePolicyAnswer,
  type Permission,
} from '@holdfast/shared/roles/policy'
import { toast } from '../../host'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

const GRANTABLE = PERMISSIONS.filter((p) => p !== 'manage_roles')

export function RolesSection({ api }: { api: ApiClient }) {
  const policy = useLoad(api, (api) => api.get(routes.roles, RolePolicyAnswer), 'roles')
  const [role, setRole] = useState('view_only')
  const [draft, setDraft] = useState<Record<string, Permission[]>>({})
  const [error, setError] = useState<string | null>(null)
  const flight = useSingleFlight()
  const pending = flight.pending !== null

  const rows = policy.kind === 'ready' ? policy.data.roles : []
  const editable = rows.filter((r) => r.role !== 'admin' && r.role !== 'super_admin')
  const current = editable.find((r) => r.role === role)
  const chosen = draft[role] ?? current?.permissions ?? []

  async function save(method: 'put' | 'delete') {
    setError(null)
    await flight.run(method, async () => {
      try {
        if (method === 'put') await api.put(routes.role(role), { permissions: chosen })
        else await api.delete(routes.role(role))
        setDraft(({ [role]: _saved, ...rest }) => rest)
        toast(method === 'put' ? 'Role saved' : 'Role reset to default', 'success')
        await policy.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Roles"
      description="What each Dashboard role may do in Holdfast. Administrators can always do everything."
    >
      {policy.kind === 'loading' && <Loading label="Loading roles" />}
      {policy.kind === 'error' && (
        <Banner type="critical" title="Roles could not be loaded" description={policy.message} />
      )}
      {policy.kind === 'ready' && (
        <Box css={{ stack: 'y', gap: 'small' }}>
          <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            {editable.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}
                {r.overridden ? ' (changed)' : ''}
              </option>
            ))}
          </Select>
          {GRANTABLE.map((p) => (
            <Checkbox
              key={p}
              name={`permission-${p}`}
              label={PERMISSION_LABELS[p]}
              checked={chosen.includes(p)}
              onChange={(e) =>
                setDraft((d) => ({
                  ...d,
                  [role]: e.target.checked ? [...chosen, p] : chosen.filter((x) => x !== p),
                }))
              }
            />
          ))}
          <Inline css={{ font: 'caption', color: 'secondary' }}>
            {current?.overridden ? 'Changed for this account.' : 'Holdfast default.'}
          </Inline>
          <Box css={{ stack: 'x', gap: 'small' }}>
            <Button type="primary" pending={pending} onPress={() => void save('put')}>
              Save role
            </Button>
            {current?.overridden && (
              <Button disabled={pending} onPress={() => void save('delete')}>
                Use default
              </Button>
            )}
          </Box>
        </Box>
      )}
      {error && <Banner type="critical" title="Role not saved" description={error} />}
    </Section>
  )
}
