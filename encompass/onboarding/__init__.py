"""Council onboarding: GIAS settings, Key Adult contacts, pupil rolls."""
