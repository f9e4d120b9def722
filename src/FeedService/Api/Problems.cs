using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedService.Api;

/// <summary>RFC 9457 problem details for every error the API returns, each with a message a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem("Send \"Authorization: Bearer <key>\" with a key from FeedService:Auth:ApiKeys.", statusCode: 401, title: "Missing or wrong API key");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(what, statusCode: 404, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: 409, title: "Conflict");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: 503, title: "Not available yet");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "See errors for each field that was rejected.", title: "Invalid request");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });
}
