/**
 * Removes credentials that can hide in text from the API or the network layer: signed URL
 * query values (OSS `Signature`, `OSSAccessKeyId`, STS tokens) and whole download URLs.
 */
const SIGNED_QUERY_VALUE = /([?&](?:Signature|OSSAccessKeyId|SecurityToken|security-token|x-oss-security-token|x-oss-signature|x-oss-credential|Expires|AccessKeyId)=)[^&\s"'<>]*/gi;
const URL_WITH_QUERY = /\bhttps?:\/\/[^\s"'<>]*\?[^\s"'<>]*/gi;

export function redactSecrets(text: string): string {
  return text.replace(SIGNED_QUERY_VALUE, '$1***').replace(URL_WITH_QUERY, (url) => `${url.split('?')[0]}?***`);
}
