using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consulting.Web.Migrations
{
    /// <inheritdoc />
    public partial class RefundJobsAndMeetingSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Refunds_Status",
                table: "Refunds");

            migrationBuilder.AlterColumn<Guid>(
                name: "PaymentId",
                table: "Refunds",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "Refunds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "Refunds",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "Refunds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "MeetingSync",
                table: "Bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MeetingSyncAttempts",
                table: "Bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "MeetingSyncDueAt",
                table: "Bookings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MeetingSyncError",
                table: "Bookings",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Refunds_Status_NextAttemptAt",
                table: "Refunds",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_MeetingSync_MeetingSyncDueAt",
                table: "Bookings",
                columns: new[] { "MeetingSync", "MeetingSyncDueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Refunds_Status_NextAttemptAt",
                table: "Refunds");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_MeetingSync_MeetingSyncDueAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "Refunds");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "Refunds");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "Refunds");

            migrationBuilder.DropColumn(
                name: "MeetingSync",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "MeetingSyncAttempts",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "MeetingSyncDueAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "MeetingSyncError",
                table: "Bookings");

            migrationBuilder.AlterColumn<Guid>(
                name: "PaymentId",
                table: "Refunds",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Refunds_Status",
                table: "Refunds",
                column: "Status");
        }
    }
}
