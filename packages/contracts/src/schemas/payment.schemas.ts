import type {
  PaymentAuthorizedData,
  PaymentCapturedData,
  PaymentDeclinedData,
  PaymentRefundedData,
  PaymentVoidedData,
} from '../payment.events.js';
import { nullable, recordOf } from './avro-schema.js';

const paymentFacts = {
  paymentId: 'string',
  orderId: 'string',
  amount: 'long',
  currency: 'string',
  occurredAt: 'string',
} as const;

export const paymentEventSchemas = {
  PaymentAuthorized: recordOf<PaymentAuthorizedData>('PaymentAuthorized', {
    ...paymentFacts,
    methodType: 'string',
    authorizationCode: 'string',
    gatewayReference: 'string',
  }),
  PaymentDeclined: recordOf<PaymentDeclinedData>('PaymentDeclined', {
    ...paymentFacts,
    methodType: 'string',
    declineCode: 'string',
    reason: 'string',
  }),
  PaymentCaptured: recordOf<PaymentCapturedData>('PaymentCaptured', {
    ...paymentFacts,
    captureReference: 'string',
  }),
  PaymentVoided: recordOf<PaymentVoidedData>('PaymentVoided', {
    ...paymentFacts,
    reason: nullable('string'),
    voidReference: nullable('string'),
  }),
  PaymentRefunded: recordOf<PaymentRefundedData>('PaymentRefunded', {
    ...paymentFacts,
    reason: nullable('string'),
    refundReference: 'string',
  }),
};
