// The Stripe CLI builds views from src/views/ beside stripe-app.json; the view lives in stripe-app/.
export { default } from '../../stripe-app/src/views/CustomerDetailView'
