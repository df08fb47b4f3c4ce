// Permission pages say what is true: a member opening an admin-only page of their own team gets 403 and is told
// only admins can; a team, an identity or a page that does not exist (or is another team's) answers 404; adding
// someone who is already in the team says so.
import { randomUUID } from "node:crypto";
import { USERS } from "../../simulator/accounts";
import { adminWithTeam } from "./support/flows";
import { signedIn } from "./support/sign-in";
import { expect, test } from "./support/test";

test("403 with a sentence for a member on an admin page; 404 for what is not there; a second add says so", async ({
  page,
  browser,
}) => {
  await adminWithTeam(page, { name: "Perms", slug: "perms" });
  const { page: member } = await signedIn(browser, USERS.member);

  await page.goto("/teams/perms/members");
  for (const expected of [`${USERS.member.email} is now a member.`, "is already a member of this team"]) {
    await page.getByLabel("Email").fill(USERS.member.email);
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: USERS.member.email })).toContainText(
      expected,
    );
  }

  // Someone who has never signed in is invited; without SMTP the page says no mail went out and shows the link.
  await page.getByLabel("Email").fill("new.colleague@example.com");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: "new.colleague" })).toContainText(
    "No email was sent (this portal has no SMTP_URL): send them the sign-in link.",
  );
  await expect(page.getByText("http://localhost:3100/signin", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy link" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/member-invited-desk.png", fullPage: true });

  for (const path of ["/teams/perms/notifications", "/teams/perms/audit"]) {
    const answer = await member.goto(path);
    expect(answer?.status(), path).toBe(403);
    await expect(member.getByRole("heading", { level: 1 })).toHaveText("Only admins can open this page");
  }
  await member.screenshot({ path: "test-results/screenshots/member-on-admin-page-desk.png", fullPage: true });
  expect((await member.goto("/teams/perms/identities"))?.status(), "a member may see the dashboard").toBe(200);

  for (const path of [
    "/teams/nope/identities",
    "/teams/nope/members",
    `/teams/perms/identities/${randomUUID()}`,
    "/teams/perms/identities/not-an-id",
    `/teams/perms/enrolments/${randomUUID()}`,
  ]) {
    const answer = await page.goto(path);
    expect(answer?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("There is nothing here");
  }
});
