export { startSimulator, type Simulator, type SimulatorOptions } from './server.ts';
export { defaultSimCredentials, simCa, SIM_CERT_FILE, SIM_APNS_KEY_FILE, SIM_FCM_SERVICE_ACCOUNT_FILE, type SimCredentials } from './credentials.ts';
export type { SimMessage, Fault } from './state.ts';
export type { ReceiptOptions, SimReceipt } from './receipts.ts';
