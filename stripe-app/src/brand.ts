// Branding inside the Dashboard is limited to the drawer's colour (and icon); see design rules.
export const BRAND_COLOR = '#0E5E6F'
