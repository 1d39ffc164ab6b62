export type Mode = 'test' | 'live'

export const modeOf = (livemode: boolean): Mode => (livemode ? 'live' : 'test')
export const isLive = (mode: Mode): boolean => mode === 'live'
