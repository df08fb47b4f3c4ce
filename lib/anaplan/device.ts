import { z } from "zod";
import { type CallOptions, request } from "./http";
import { credential, seconds } from "./schema";
import { type TokenSet, tokenGrant } from "./tokens";
import { type AnaplanEndpoints, endpoint, httpUrl } from "./urls";

/** The verification URIs are only shape-checked here; whether to show them is `isAllowedVerificationUrl`'s call. */
export type DeviceAuthorization = {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresAt: Date;
  intervalSeconds: number;
};

// RFC 8628 §6.1 user codes: letters and digits, optionally grouped by "-" or a space (Anaplan: `1GMV-ATBA`).
// An allow-list keeps markup, controls, bidi and invisible characters off the enrolment page by construction.
const USER_CODE = /^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$/;

const deviceResponse = z.object({
  device_code: credential(4096),
  user_code: z.string().max(64).regex(USER_CODE),
  verification_uri: httpUrl,
  verification_uri_complete: httpUrl.optional(),
  expires_in: seconds(1, 3600),
  interval: seconds(1, 60).default(5),
});

const DEFAULT_DEVICE_SCOPE = "openid profile email offline_access";

export async function requestDeviceCode(
  ep: Pick<AnaplanEndpoints, "oauthUrl">,
  { clientId, scope = DEFAULT_DEVICE_SCOPE }: { clientId: string; scope?: string },
  options?: CallOptions,
): Promise<DeviceAuthorization> {
  const { body, sentAt } = await request(
    {
      method: "POST",
      url: endpoint(ep.oauthUrl, "/oauth/device/code"),
      json: { client_id: clientId, scope },
      ...options,
    },
    deviceResponse,
  );
  return {
    deviceCode: body.device_code,
    userCode: body.user_code,
    verificationUri: body.verification_uri,
    verificationUriComplete: body.verification_uri_complete,
    expiresAt: new Date(sentAt + body.expires_in * 1000),
    intervalSeconds: body.interval,
  };
}

/**
 * One poll (RFC 8628 §3.4). "Not yet" arrives as AnaplanError kind `pending` or `slow_down`; every other kind
 * ends the enrolment. Waiting between polls is the caller's job.
 */
export function pollDeviceToken(
  ep: Pick<AnaplanEndpoints, "oauthUrl">,
  { clientId, deviceCode }: { clientId: string; deviceCode: string },
  options?: CallOptions,
): Promise<TokenSet> {
  return tokenGrant(
    ep,
    { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: deviceCode, client_id: clientId },
    options,
  );
}
