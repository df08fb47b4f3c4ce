import { redirect } from "next/navigation";

type Props = { params: Promise<{ team: string }> };

export default async function TeamPage({ params }: Props) {
  const { team } = await params;
  redirect(`/teams/${team}/identities`);
}
