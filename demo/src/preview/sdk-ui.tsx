// The SDK's components drawn as HTML and CSS, close to how Stripe's Dashboard draws them. The views
// render the real @stripe/ui-extension-sdk/ui tree (remote-ui components); host.tsx receives it and
// draws each node with the implementation here. Every node is checked against the SDK's type
// definitions first (sdk-table.ts). Class names are styled in preview.css.
// @see https://docs.stripe.com/stripe-apps/components
import {
  createContext,
  useContext,
  useRef,
  useState,
  type CSSProperties,
  type ReactElement,
  type ReactNode,
} from 'react'
import { SDK_COMPONENTS, assertDeclared } from './sdk-table'

type Props = Record<string, unknown> & { children?: ReactNode }
type Callback = (...args: unknown[]) => unknown
type Impl = ((props: Props) => ReactElement | null) & { displayName?: string }

/** Space tokens in px (Stripe's scale). */
const SPACE: Record<string, number> = {
  none: 0,
  xxsmall: 2,
  xsmall: 4,
  small: 8,
  medium: 16,
  large: 24,
  xlarge: 32,
  xxlarge: 48,
}
const COLOR: Record<string, string> = {
  primary: '#353a44',
  secondary: '#596171',
  disabled: '#a3acba',
  info: '#0055bc',
  success: '#006908',
  attention: '#a82c00',
  critical: '#c0123c',
  brand: '#635bff',
}
const BACKGROUND: Record<string, string> = {
  container: '#f6f8fa',
  surface: '#ffffff',
  info: '#e8f4ff',
  success: '#ebf9ea',
  attention: '#fff5e6',
  critical: '#fff0f3',
}
const ALIGN: Record<string, string> = {
  start: 'flex-start',
  center: 'center',
  end: 'flex-end',
  stretch: 'stretch',
  baseline: 'baseline',
}

function space(value: unknown): string | undefined {
  if (typeof value === 'number') return `${value}px`
  if (typeof value === 'string') return SPACE[value] === undefined ? value : `${SPACE[value]}px`
  return undefined
}

function size(value: unknown): string | undefined {
  if (typeof value === 'number') return `${value}px`
  if (value === 'fill') return '100%'
  if (typeof value === 'string' && /^\d+\/\d+$/.test(value)) {
    const [a, b] = value.split('/').map(Number)
    return `${(100 * a!) / b!}%`
  }
  return undefined
}

/** The SDK's `css` prop (tokens only) as inline style. */
export function styleOf(css: unknown): CSSProperties {
  if (!css || typeof css !== 'object') return {}
  const c = css as Record<string, unknown>
  const style: CSSProperties = {}
  if (c.stack === 'x' || c.stack === 'y') {
    style.display = 'flex'
    style.flexDirection = c.stack === 'x' ? 'row' : 'column'
    const main = c.stack === 'x' ? c.alignX : c.alignY
    const cross = c.stack === 'x' ? c.alignY : c.alignX
    if (typeof main === 'string') style.justifyContent = ALIGN[main]
    if (typeof cross === 'string') style.alignItems = ALIGN[cross]
    if (c.distribute === 'space-between') style.justifyContent = 'space-between'
    if (c.wrap) style.flexWrap = c.wrap as CSSProperties['flexWrap']
  } else if (c.stack === 'z') {
    style.display = 'grid'
    style.gridTemplateAreas = '"stack"'
  }
  if (c.gap !== undefined) style.gap = space(c.gap)
  if (c.rowGap !== undefined) style.rowGap = space(c.rowGap)
  if (c.columnGap !== undefined) style.columnGap = space(c.columnGap)
  const sides = ['Top', 'Right', 'Bottom', 'Left'] as const
  for (const kind of ['padding', 'margin'] as const) {
    if (c[kind] !== undefined) style[kind] = space(c[kind])
    for (const side of sides) {
      const axis = side === 'Top' || side === 'Bottom' ? 'Y' : 'X'
      const v = c[`${kind}${side}`] ?? c[`${kind}${axis}`]
      if (v !== undefined) style[`${kind}${side}`] = space(v)
    }
  }
  for (const dim of ['width', 'height', 'minWidth', 'maxWidth', 'minHeight', 'maxHeight'] as const)
    if (c[dim] !== undefined) style[dim] = size(c[dim])
  if (typeof c.backgroundColor === 'string')
    style.backgroundColor = BACKGROUND[c.backgroundColor] ?? c.backgroundColor
  if (typeof c.color === 'string') style.color = COLOR[c.color] ?? c.color
  if (c.borderRadius !== undefined)
    style.borderRadius =
      c.borderRadius === 'rounded'
        ? 999
        : ({ none: 0, xsmall: 2, small: 4, medium: 8, large: 12 } as Record<string, number>)[
            String(c.borderRadius)
          ]
  if (c.keyline === 'neutral') style.border = '1px solid #d8dee4'
  if (c.keyline === 'critical') style.border = '1px solid #c0123c'
  if (typeof c.font === 'string') Object.assign(style, FONT[c.font])
  if (c.fontWeight === 'semibold') style.fontWeight = 600
  if (c.fontWeight === 'bold') style.fontWeight = 700
  if (c.fontWeight === 'regular') style.fontWeight = 400
  if (c.textAlign) style.textAlign = c.textAlign as CSSProperties['textAlign']
  if (c.wordBreak) style.wordBreak = c.wordBreak as CSSProperties['wordBreak']
  if (c.overflow) style.overflow = c.overflow as CSSProperties['overflow']
  return style
}

const FONT: Record<string, CSSProperties> = {
  body: { fontSize: 14, lineHeight: '20px' },
  bodyEmphasized: { fontSize: 14, lineHeight: '20px', fontWeight: 600 },
  caption: { fontSize: 12, lineHeight: '16px' },
  kicker: { fontSize: 11, lineHeight: '16px', fontWeight: 600, textTransform: 'uppercase' },
  heading: { fontSize: 16, lineHeight: '24px', fontWeight: 600 },
  subheading: { fontSize: 14, lineHeight: '20px', fontWeight: 600 },
  subtitle: { fontSize: 14, lineHeight: '20px', color: '#596171' },
  lead: { fontSize: 16, lineHeight: '24px' },
  title: { fontSize: 20, lineHeight: '28px', fontWeight: 700 },
  largeTitle: { fontSize: 28, lineHeight: '36px', fontWeight: 700 },
}

function call(fn: unknown, ...args: unknown[]): void {
  if (typeof fn === 'function') void Promise.resolve((fn as Callback)(...args)).catch(() => {})
}

/** What the views' onChange handlers read (`e.target.value`, `e.target.checked`). */
function changeEvent(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement) {
  const target = {
    value: el.value,
    name: el.name,
    checked: el instanceof HTMLInputElement ? el.checked : undefined,
  }
  return { type: 'change', target, currentTarget: target }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

const Box: Impl = ({ css, children }) => <div style={styleOf(css)}>{children}</div>
const Inline: Impl = ({ css, children }) => <span style={styleOf(css)}>{children}</span>
const Divider: Impl = () => <hr className="sdk-divider" />

function ButtonLike({ tag, ...p }: Props & { tag: 'Button' | 'Link' }) {
  const kind = text(p.type) ?? (tag === 'Link' ? 'link' : 'secondary')
  const className = `sdk-${tag.toLowerCase()} sdk-${tag.toLowerCase()}-${kind} sdk-size-${text(p.size) ?? 'medium'}`
  const disabled = Boolean(p.disabled) || Boolean(p.pending)
  const href = typeof p.href === 'string' ? p.href : undefined
  const content = (
    <>
      {p.pending ? <span className="sdk-spinner sdk-spinner-small" aria-hidden /> : null}
      {p.children}
    </>
  )
  if (href && !disabled)
    return (
      <a
        className={className}
        href={href}
        target={text(p.target) ?? (p.external ? '_blank' : undefined)}
        rel="noreferrer"
        style={styleOf(p.css)}
        onClick={() => call(p.onPress, { type: 'press' })}
      >
        {content}
      </a>
    )
  return (
    <button
      type="button"
      className={className}
      disabled={disabled}
      aria-busy={p.pending ? true : undefined}
      style={styleOf(p.css)}
      onClick={() => call(p.onPress, { type: 'press' })}
    >
      {content}
    </button>
  )
}

const Badge: Impl = ({ type, children }) => (
  <span className={`sdk-badge sdk-badge-${text(type) ?? 'neutral'}`}>{children}</span>
)

const Banner: Impl = ({ type, title, description, actions, onDismiss, children }) => (
  <div className={`sdk-banner sdk-banner-${text(type) ?? 'default'}`} role="status">
    <div className="sdk-banner-body">
      {title ? <div className="sdk-banner-title">{title as ReactNode}</div> : null}
      {description ? <div>{description as ReactNode}</div> : null}
      {children}
      {actions ? <div className="sdk-banner-actions">{actions as ReactNode}</div> : null}
    </div>
    {typeof onDismiss === 'function' ? (
      <button
        type="button"
        className="sdk-close"
        aria-label="Dismiss"
        onClick={() => call(onDismiss)}
      >
        ×
      </button>
    ) : null}
  </div>
)

const PropertyList: Impl = ({ orientation, children }) => (
  <dl className={`sdk-property-list sdk-property-list-${text(orientation) ?? 'vertical'}`}>
    {children}
  </dl>
)
const PropertyListItem: Impl = ({ label, value, children }) => (
  <div className="sdk-property">
    <dt>{label as ReactNode}</dt>
    <dd>{(value as ReactNode) ?? children}</dd>
  </div>
)

const ListContext = createContext<Callback | undefined>(undefined)
const List: Impl = ({ onAction, children }) => (
  <ListContext.Provider value={typeof onAction === 'function' ? (onAction as Callback) : undefined}>
    <ul className="sdk-list">{children}</ul>
  </ListContext.Provider>
)
function ListItem(p: Props) {
  const listAction = useContext(ListContext)
  const onAction = (p.onAction as Callback | undefined) ?? listAction
  const body = (
    <>
      {p.icon ? <span className="sdk-list-icon">{p.icon as ReactNode}</span> : null}
      <span className="sdk-list-text">
        <span className="sdk-list-title">{(p.title as ReactNode) ?? p.children}</span>
        {p.secondaryTitle ? (
          <span className="sdk-list-secondary">{p.secondaryTitle as ReactNode}</span>
        ) : null}
      </span>
      {p.value ? <span className="sdk-list-value">{p.value as ReactNode}</span> : null}
    </>
  )
  return (
    <li className="sdk-list-item">
      {onAction ? (
        <button type="button" className="sdk-list-action" onClick={() => call(onAction, p.id)}>
          {body}
        </button>
      ) : (
        body
      )}
    </li>
  )
}

const Accordion: Impl = ({ children }) => <div className="sdk-accordion">{children}</div>
const AccordionItem: Impl = ({ title, subtitle, actions, defaultOpen, onChange, children }) => (
  <details
    className="sdk-accordion-item"
    open={Boolean(defaultOpen)}
    onToggle={(e) => call(onChange, (e.currentTarget as HTMLDetailsElement).open)}
  >
    <summary>
      <span className="sdk-accordion-title">{title as ReactNode}</span>
      {subtitle ? <span className="sdk-list-secondary">{subtitle as ReactNode}</span> : null}
      {actions ? <span className="sdk-accordion-actions">{actions as ReactNode}</span> : null}
    </summary>
    <div className="sdk-accordion-body">{children}</div>
  </details>
)

const Tooltip: Impl = ({ trigger, children }) => (
  <span className="sdk-tooltip" tabIndex={0}>
    {trigger as ReactNode}
    <span className="sdk-tooltip-body" role="tooltip">
      {children}
    </span>
  </span>
)

const Spinner: Impl = ({ size: s }) => (
  <span className={`sdk-spinner sdk-spinner-${text(s) ?? 'medium'}`} role="progressbar" />
)

const ICONS: Record<string, string> = {
  check: '✓',
  checkCircle: '✓',
  warning: '⚠',
  warningCircle: '⚠',
  info: 'ℹ',
  refresh: '↻',
  external: '↗',
  arrowRight: '→',
  cancel: '×',
  clock: '◷',
  add: '+',
}
const Icon: Impl = ({ name }) => (
  <span className="sdk-icon" aria-hidden>
    {ICONS[String(name)] ?? '•'}
  </span>
)
const Img: Impl = ({ src, alt, width, height }) => (
  <img src={text(src)} alt={text(alt) ?? ''} width={width as number} height={height as number} />
)

function Field({ p, children }: { p: Props; children: ReactNode }) {
  const hidden = (p.hiddenElements as string[] | undefined) ?? []
  return (
    <label className="sdk-field" style={styleOf(p.css)}>
      {p.label && !hidden.includes('label') ? (
        <span className="sdk-field-label">{p.label as ReactNode}</span>
      ) : null}
      {p.description && !hidden.includes('description') ? (
        <span className="sdk-field-description">{p.description as ReactNode}</span>
      ) : null}
      {children}
      {p.error && !hidden.includes('error') ? (
        <span className="sdk-field-error" role="alert">
          {p.error as ReactNode}
        </span>
      ) : null}
    </label>
  )
}

function valueProps(p: Props) {
  return p.value !== undefined
    ? { value: p.value as string }
    : p.defaultValue !== undefined
      ? { defaultValue: p.defaultValue as string }
      : {}
}

const TextField: Impl = (p) => (
  <Field p={p}>
    <input
      className={`sdk-input${p.invalid || p.error ? ' sdk-invalid' : ''}`}
      name={text(p.name)}
      type={text(p.type) ?? 'text'}
      placeholder={text(p.placeholder)}
      disabled={Boolean(p.disabled)}
      readOnly={Boolean(p.readOnly)}
      required={Boolean(p.required)}
      aria-invalid={p.invalid || p.error ? true : undefined}
      {...valueProps(p)}
      onChange={(e) => call(p.onChange, changeEvent(e.currentTarget))}
    />
  </Field>
)
const TextArea: Impl = (p) => (
  <Field p={p}>
    <textarea
      className="sdk-input"
      name={text(p.name)}
      rows={(p.rows as number | undefined) ?? 3}
      disabled={Boolean(p.disabled)}
      {...valueProps(p)}
      onChange={(e) => call(p.onChange, changeEvent(e.currentTarget))}
    />
  </Field>
)
const Select: Impl = (p) => (
  <Field p={p}>
    <select
      className="sdk-input"
      name={text(p.name)}
      disabled={Boolean(p.disabled)}
      {...valueProps(p)}
      onChange={(e) => call(p.onChange, changeEvent(e.currentTarget))}
    >
      {p.children}
    </select>
  </Field>
)
const Option: Impl = ({ value, disabled, label, children }) => (
  <option value={value as string} disabled={Boolean(disabled)} label={text(label)}>
    {children}
  </option>
)

function Toggle({ p, role }: { p: Props; role: 'checkbox' | 'switch' }) {
  return (
    <label className={`sdk-toggle sdk-${role}`}>
      <input
        type="checkbox"
        role={role === 'switch' ? 'switch' : undefined}
        name={text(p.name)}
        disabled={Boolean(p.disabled)}
        {...(p.checked !== undefined
          ? { checked: Boolean(p.checked) }
          : { defaultChecked: Boolean(p.defaultChecked) })}
        onChange={(e) => call(p.onChange, changeEvent(e.currentTarget))}
      />
      <span>
        {p.label as ReactNode}
        {p.description ? (
          <span className="sdk-field-description">{p.description as ReactNode}</span>
        ) : null}
      </span>
    </label>
  )
}

const BarChart: Impl = ({ data, x, y }) => {
  const rows = Array.isArray(data) ? (data as Record<string, unknown>[]) : []
  const xKey = String(x)
  const yKey = String(y)
  const max = Math.max(1, ...rows.map((r) => Number(r[yKey]) || 0))
  return (
    <div className="sdk-bar-chart" role="img" aria-label={`${yKey} by ${xKey}`}>
      {rows.map((r, i) => (
        <div className="sdk-bar-row" key={i}>
          <span className="sdk-bar-label">{String(r[xKey])}</span>
          <span className="sdk-bar-track">
            <span
              className="sdk-bar"
              style={{ width: `${(100 * (Number(r[yKey]) || 0)) / max}%` }}
            />
          </span>
          <span className="sdk-bar-value">{String(r[yKey])}</span>
        </div>
      ))}
    </div>
  )
}

const ContextView: Impl = (p) => (
  <section className="sdk-context-view" aria-label={text(p.title)}>
    <header className="sdk-view-header" style={{ borderTopColor: text(p.brandColor) ?? '#635bff' }}>
      <div>
        <h2 className="sdk-view-title">{text(p.title)}</h2>
        {p.description ? <p className="sdk-view-description">{text(p.description)}</p> : null}
      </div>
      {p.actions ? <div className="sdk-view-actions">{p.actions as ReactNode}</div> : null}
    </header>
    {p.banner ? <div className="sdk-view-banner">{p.banner as ReactNode}</div> : null}
    <div className="sdk-view-body">{p.children}</div>
    {p.primaryAction || p.secondaryAction || p.footerContent || p.externalLink ? (
      <footer className="sdk-view-footer">
        {p.footerContent as ReactNode}
        {p.externalLink ? (
          <a
            className="sdk-link"
            href={(p.externalLink as { href: string }).href}
            target="_blank"
            rel="noreferrer"
          >
            {(p.externalLink as { label: string }).label} ↗
          </a>
        ) : null}
        {p.secondaryAction as ReactNode}
        {p.primaryAction as ReactNode}
      </footer>
    ) : null}
  </section>
)

type CloseMessages = {
  title?: string
  description?: string
  cancelAction?: string
  exitAction?: string
}

/** A side sheet over the drawer, as the Dashboard shows FocusView. */
function FocusView(p: Props) {
  const [confirming, setConfirming] = useState(false)
  if (!p.shown) return null
  const messages = p.confirmCloseMessages as CloseMessages | undefined
  const close = () => (messages ? setConfirming(true) : call(p.setShown, false))
  return (
    <div className="sdk-focus-backdrop">
      <section
        className={`sdk-focus-view sdk-focus-${text(p.size) ?? 'small'}`}
        role="dialog"
        aria-label={text(p.title)}
      >
        <header className="sdk-focus-header">
          <h2 className="sdk-view-title">{text(p.title)}</h2>
          <button type="button" className="sdk-close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        <div className="sdk-focus-body">
          {confirming && messages ? (
            <div className="sdk-banner sdk-banner-caution" role="alertdialog">
              <div className="sdk-banner-body">
                <div className="sdk-banner-title">{messages.title ?? 'Discard changes?'}</div>
                <div>{messages.description}</div>
                <div className="sdk-banner-actions">
                  <button
                    type="button"
                    className="sdk-button sdk-button-secondary"
                    onClick={() => setConfirming(false)}
                  >
                    {messages.cancelAction ?? 'Cancel'}
                  </button>
                  <button
                    type="button"
                    className="sdk-button sdk-button-destructive"
                    onClick={() => {
                      setConfirming(false)
                      call(p.setShown, false)
                    }}
                  >
                    {messages.exitAction ?? 'Exit'}
                  </button>
                </div>
              </div>
            </div>
          ) : null}
          {p.children}
        </div>
        {p.primaryAction || p.secondaryAction || p.footerContent ? (
          <footer className="sdk-view-footer">
            {p.footerContent as ReactNode}
            {p.secondaryAction as ReactNode}
            {p.primaryAction as ReactNode}
          </footer>
        ) : null}
      </section>
    </div>
  )
}

/** The app's settings page: a form whose Save button hands `onSave` the values by field name. */
function SettingsView(p: Props) {
  const form = useRef<HTMLFormElement>(null)
  return (
    <form
      ref={form}
      className="sdk-settings-view"
      onSubmit={(e) => {
        e.preventDefault()
        const values: Record<string, string> = {}
        for (const [k, v] of new FormData(e.currentTarget)) values[k] = String(v)
        call(p.onSave, values)
      }}
    >
      <div className="sdk-view-body">{p.children}</div>
      {typeof p.onSave === 'function' ? (
        <footer className="sdk-view-footer">
          {p.statusMessage ? (
            <span className="sdk-field-description">{text(p.statusMessage)}</span>
          ) : null}
          <button type="submit" className="sdk-button sdk-button-primary">
            Save
          </button>
        </footer>
      ) : null}
    </form>
  )
}

/** A component the SDK declares but the preview does not draw yet: shown, and labelled. */
function undrawn(type: string): Impl {
  return ({ children }) => (
    <div className="sdk-undrawn" data-sdk={type} title={`${type} is not drawn by the preview`}>
      {children}
    </div>
  )
}

const DRAWN: Record<string, Impl> = {
  Accordion,
  AccordionItem,
  Badge,
  Banner,
  BarChart,
  Box,
  Button: (p) => <ButtonLike {...p} tag="Button" />,
  Checkbox: (p) => <Toggle p={p} role="checkbox" />,
  ContextView,
  Divider,
  FocusView,
  Icon,
  Img,
  Inline,
  Link: (p) => <ButtonLike {...p} tag="Link" />,
  List,
  ListItem,
  PropertyList,
  PropertyListItem,
  Select,
  SettingsView,
  Spinner,
  Switch: (p) => <Toggle p={p} role="switch" />,
  TextArea,
  TextField,
  Tooltip,
  option: Option,
}

/** One checked implementation per renderable name, for remote-ui's host controller. */
export function sdkComponents(): Record<string, Impl> {
  const out: Record<string, Impl> = {}
  for (const type of [...Object.keys(SDK_COMPONENTS), 'option']) {
    const Implementation = DRAWN[type] ?? undrawn(type)
    const Checked: Impl = (props) => {
      assertDeclared(type, props)
      return <Implementation {...props} />
    }
    Checked.displayName = `Sdk${type}`
    out[type] = Checked
  }
  return out
}
