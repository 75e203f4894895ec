import Foundation
import Testing
@testable import Monitoring

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapAndStopsAfterTheRetries() {
        let policy = RetryPolicy(retries: 4, backoffSeconds: 2)
        #expect((1...5).map { policy.delay(beforeRetry: $0, retryAfter: nil) } == [2, 4, 8, 16, nil])
        #expect(RetryPolicy(retries: 20, backoffSeconds: 100).delay(beforeRetry: 10, retryAfter: nil) == RetryPolicy.maxBackoffSeconds)
    }

    @Test func retryAfterWinsUnlessItIsTooLong() {
        let policy = RetryPolicy(retries: 2, backoffSeconds: 2)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 1) == 1)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 3600) == nil)
        #expect(policy.delay(beforeRetry: 3, retryAfter: 1) == nil)
    }

    @Test func retryAfterHeaderForms() {
        let now = Date(timeIntervalSince1970: 1_445_412_000)  // Wed, 21 Oct 2015 07:20:00 GMT
        #expect(RetryPolicy.retryAfter("120", now: now) == 120)
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 480)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter(nil, now: now) == nil)
    }
}
