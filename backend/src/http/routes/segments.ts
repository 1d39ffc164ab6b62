// Segments: list (counts, MRR), members page, CSV export, create/update/delete.
import { Hono } from 'hono'
import {
  SegmentCreate,
  SegmentListQuery,
  SegmentMembersQuery,
  SegmentPreviewRequest,
  SegmentUpdate,
} from '@holdfast/shared/api/segments'
import {
  createSegment,
  deleteSegment,
  exportSegmentCsv,
  findSegment,
  getSegmentSummary,
  listSegmentMembers,
  listSegments,
  previewSegment,
  updateSegment,
} from '../../segments/segment-store'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

export function segmentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/segments', async (c) => {
      const query = SegmentListQuery.parse(c.req.query())
      const list = await listSegments(
        deps.db,
        scopeOf(c.get('caller')),
        query.includeHidden === 'true'
      )
      return c.json({ segments: list })
    })
    .post('/segments', async (c) => {
      const input = SegmentCreate.parse(await jsonBody(c))
      return c.json(await createSegment(deps, scopeOf(c.get('caller')), input), 201)
    })
    .post('/segments/preview', async (c) => {
      const { rule } = SegmentPreviewRequest.parse(await jsonBody(c))
      return c.json(await previewSegment(deps.db, scopeOf(c.get('caller')), rule, deps.now()))
    })
    .get('/segments/:id', async (c) =>
      c.json(await getSegmentSummary(deps.db, scopeOf(c.get('caller')), c.req.param('id')))
    )
    .patch('/segments/:id', async (c) => {
      const input = SegmentUpdate.parse(await jsonBody(c))
      return c.json(await updateSegment(deps, scopeOf(c.get('caller')), c.req.param('id'), input))
    })
    .delete('/segments/:id', async (c) => {
      await deleteSegment(deps.db, scopeOf(c.get('caller')), c.req.param('id'))
      return c.json({ id: c.req.param('id'), deleted: true })
    })
    .get('/segments/:id/customers', async (c) => {
      const query = SegmentMembersQuery.parse(c.req.query())
      return c.json(
        await listSegmentMembers(deps.db, scopeOf(c.get('caller')), c.req.param('id'), query)
      )
    })
    .get('/segments/:id/export.csv', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const segment = await findSegment(deps.db, scope, c.req.param('id'))
      const lines = exportSegmentCsv(deps.db, scope, segment.id)
      const encoder = new TextEncoder()
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await lines.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value))
        },
      })
      const filename = `${segment.name.replace(/[^A-Za-z0-9_-]+/g, '-').toLowerCase()}.csv`
      return new Response(stream, {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${filename}"`,
        },
      })
    })
}
