import { assertPublicUrl, ForbiddenTargetError, type AllowList } from '../webhooks/ssrf';
import { ApiError } from './errors';

/** Registration-time SSRF check (delivery checks again, on the address it connects to). */
export async function assertAllowedWebhookUrl(url: string, allowList: AllowList, field = 'url'): Promise<void> {
  try {
    await assertPublicUrl(url, allowList);
  } catch (error) {
    if (!(error instanceof ForbiddenTargetError)) throw error;
    throw new ApiError(400, 'url_not_allowed', `${field} is not allowed: ${error.message}`, [{ path: field, message: error.message }]);
  }
}
