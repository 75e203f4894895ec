import DashboardViews
import Foundation
import Hummingbird

/// Building responses: pages, JSON, redirects, problems.
enum Responses {
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func jsonBytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return jsonBytes(Array(data), status: status)
    }

    /// `{"error":{"code":...,"message":...}}`, the API's failure shape.
    static func apiError(_ status: HTTPResponse.Status, code: String, _ message: String) -> Response {
        json(APIErrorBody(error: .init(code: code, message: message)), status: status)
    }

    /// 303 See Other: after a POST, the browser GETs `location`.
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}

struct APIErrorBody: Codable {
    struct Detail: Codable {
        let code: String
        let message: String
    }
    let error: Detail
}
