from bot.privacy import mask


def test_phone_numbers_and_identity_numbers_are_masked():
    masked = mask("sđt 0912345678 hoặc +84 912 345 678, căn cước 001090012345")
    assert "0912345678" not in masked and "912 345 678" not in masked and "001090012345" not in masked
    assert "09******78" in masked


def test_email_is_masked_but_application_codes_stay_readable():
    masked = mask("email nguyen.an@gmail.com, hồ sơ H56.22-250315-0001")
    assert "nguyen.an@" not in masked
    assert "H56.22-250315-0001" in masked
