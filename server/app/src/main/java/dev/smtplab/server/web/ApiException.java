package dev.smtplab.server.web;

/** A request the API refuses: the status and one sentence that names the problem. */
final class ApiException extends RuntimeException {
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException notFound(String what) {
        return new ApiException(404, what + " not found");
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
