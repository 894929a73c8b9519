export { startSimulator, type Simulator, type SimulatorOptions } from './server.ts';
export { defaultSimCredentials, simCa, SIM_CERT_FILE, SIM_APNS_KEY_FILE, type SimCredentials } from './credentials.ts';
export type { SimMessage, Fault } from './state.ts';
