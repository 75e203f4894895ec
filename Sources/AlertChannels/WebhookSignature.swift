import Crypto

/// The signature of `type: webhook` bodies: `sha256=<lower-case hex HMAC-SHA256 of the exact
/// body bytes, keyed with the channel's secret>`, in the `X-V6-Signature` header.
public enum WebhookSignature {
    public static let header = "X-V6-Signature"

    public static func sign(_ body: [UInt8], secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return "sha256=" + mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
