import path from 'node:path';
import { envText, type ConfigIssue, type ProviderEnv } from '../base/config.ts';

export interface FcmConfig {
  serviceAccountFile: string;
  projectId?: string;
}

export function parseFcmConfig(env: ProviderEnv, issue: ConfigIssue): FcmConfig | undefined {
  const file = envText(env, 'FCM_SERVICE_ACCOUNT_FILE');
  const projectId = envText(env, 'FCM_PROJECT_ID');
  if (file) return { serviceAccountFile: path.resolve(file), projectId };
  if (projectId) issue('FCM: FCM_SERVICE_ACCOUNT_FILE must be set along with FCM_PROJECT_ID', projectId);
  return undefined;
}
