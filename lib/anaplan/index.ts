// The public surface of the Anaplan protocol client; everything else in this folder is internal.

export {
  authenticateWithCertificate,
  type CertificateFormat,
  certificateNonce,
  certificatePayload,
  type SignNonce,
} from "./certificate";
export { isFinalRefreshFailure } from "./classify";
export { type DeviceAuthorization, pollDeviceToken, requestDeviceCode } from "./device";
export { AnaplanError, type AnaplanErrorKind } from "./errors";
export { type CallOptions, setDefaultTimeoutMs } from "./http";
export { logoutAccessToken, revokeToken, validateAccessToken } from "./session";
export { exchangeAuthorizationCode, refreshAccessToken, type TokenSet } from "./tokens";
export { type AnaplanEndpoints, isAllowedVerificationUrl } from "./urls";
export { type AnaplanUser, getCurrentUser } from "./users";
