import Hummingbird

extension Dashboard {
    /// The stylesheet, the script and the OpenAPI document, compiled into the binary
    /// (`.embedInCode`): nothing is read from disk, nothing comes from another host.
    func addAssetRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/assets/app.css") { _, _ in Dashboard.asset(PackageResources.app_css, type: "text/css; charset=utf-8") }
        router.get("/assets/app.js") { _, _ in Dashboard.asset(PackageResources.app_js, type: "text/javascript; charset=utf-8") }
        router.get("/api/v1/openapi.yaml") { _, _ in Dashboard.asset(PackageResources.openapi_yaml, type: "application/yaml; charset=utf-8") }
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
