namespace Consulting.Web.Domain;

public enum ActorRole
{
    System = 0,
    Customer = 1,
    Specialist = 2,
    Admin = 3,
}

/// <summary>Who did something: a role and, for people, their user id (guests have none).</summary>
public readonly record struct Actor(ActorRole Role, string? UserId)
{
    public static Actor System => new(ActorRole.System, null);
    public static Actor Customer(string? userId) => new(ActorRole.Customer, userId);
    public static Actor Specialist(string userId) => new(ActorRole.Specialist, userId);
    public static Actor Admin(string userId) => new(ActorRole.Admin, userId);
}
