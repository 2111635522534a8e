using System.Text;

namespace Consulting.Web.Hosting;

/// <summary>
/// ASP.NET Core's form reader throws on a NUL (%00) in a form value, so the whole form is unreadable
/// and even its antiforgery token is lost: the user would get a bare 400 instead of a message beside
/// the field. Here a NUL in an url-encoded form becomes U+FFFD before the form is read, which the
/// app's plain-text rules (<see cref="Domain.PlainText"/>) refuse beside the field like any control character.
/// </summary>
public static class FormNulCharacters
{
    /// <summary>Larger bodies are left to the form reader's own limits rather than copied.</summary>
    private const int MaxBody = 1024 * 1024;
    private static readonly byte[] Replacement = Encoding.ASCII.GetBytes("%EF%BF%BD");

    public static IApplicationBuilder UseFormNulReplacement(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            && request.ContentLength is > 0 and <= MaxBody)
        {
            var body = new byte[(int)request.ContentLength.Value];
            await request.Body.ReadExactlyAsync(body, context.RequestAborted);
            request.Body = new MemoryStream(Replace(body));
            request.ContentLength = request.Body.Length;
        }
        await next(context);
    });

    private static byte[] Replace(byte[] body)
    {
        if (!HasNul(body)) return body;
        var output = new MemoryStream(body.Length + 16);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == 0) output.Write(Replacement);
            else if (body[i] == '%' && i + 2 < body.Length && body[i + 1] == '0' && body[i + 2] == '0')
            {
                output.Write(Replacement);
                i += 2;
            }
            else output.WriteByte(body[i]);
        }
        return output.ToArray();
    }

    private static bool HasNul(byte[] body)
    {
        for (var i = 0; i < body.Length; i++)
            if (body[i] == 0 || (body[i] == '%' && i + 2 < body.Length && body[i + 1] == '0' && body[i + 2] == '0')) return true;
        return false;
    }
}
