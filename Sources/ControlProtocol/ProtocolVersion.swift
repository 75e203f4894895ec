/// Version of the control protocol spoken on the socket (`"v":1` in every request).
public enum ProtocolVersion {
    public static let current = 1
}
