// Offers CRUD and the offer guardrails (settings view). Each lives in the caller's account and
// mode only; changing the guardrails needs manage_settings (middleware/role-policy.ts).
import { Hono } from 'hono'
import { z } from 'zod'
import { OfferGuardrails } from '@holdfast/shared/api/guardrails'
import { CreateOfferRequest, UpdateOfferRequest } from '@holdfast/shared/api/offers'
import { readGuardrails, writeGuardrails } from '../../actions/guardrails'
import { archiveOffer, createOffer, getOffer, listOffers, renameOffer } from '../../actions/offers'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { jsonBody } from '../json-body'

const ListQuery = z.object({
  includeArchived: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
})

export function offerRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/offers', async (c) => {
      const { includeArchived } = ListQuery.parse(c.req.query())
      return c.json({ data: await listOffers(deps, c.get('caller'), { includeArchived }) })
    })
    .post('/offers', async (c) => {
      const input = CreateOfferRequest.parse(await jsonBody(c))
      return c.json(await createOffer(deps, c.get('caller'), input), 201)
    })
    .get('/offers/:id', async (c) =>
      c.json(await getOffer(deps, c.get('caller'), offerIdOf(c.req.param('id'))))
    )
    .patch('/offers/:id', async (c) => {
      const { name } = UpdateOfferRequest.parse(await jsonBody(c))
      return c.json(await renameOffer(deps, c.get('caller'), offerIdOf(c.req.param('id')), name))
    })
    .delete('/offers/:id', async (c) =>
      c.json(await archiveOffer(deps, c.get('caller'), offerIdOf(c.req.param('id'))))
    )
    .get('/settings/guardrails', async (c) => {
      const caller = c.get('caller')
      return c.json(
        await readGuardrails(deps, { accountId: caller.accountId, livemode: caller.livemode })
      )
    })
    .put('/settings/guardrails', async (c) => {
      const caller = c.get('caller')
      const input = OfferGuardrails.parse(await jsonBody(c))
      return c.json(
        await writeGuardrails(
          deps,
          { accountId: caller.accountId, livemode: caller.livemode },
          input
        )
      )
    })
}

/** Not a uuid → 404 like any offer that isn't there (and no database cast error). */
function offerIdOf(id: string): string {
  return z.string().uuid().safeParse(id).success ? id : '00000000-0000-0000-0000-000000000000'
}
